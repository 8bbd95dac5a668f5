import { createClient } from 'redis';
import type { Logger } from '@jobber/service-kit';

/** One fixed-window counter after a hit: the count in the window and the time left in it. */
export interface WindowCount {
  count: number;
  resetInMs: number;
}

/** Where the counters are: in this process, or shared by several gateways. */
export interface RateLimitStore {
  /** Adds `weight` to `key`'s counter, starting a window of `windowMs` when there is none. */
  hit(key: string, windowMs: number, weight: number): Promise<WindowCount>;
  close(): Promise<void>;
}

/** The counters of one gateway process; expired windows are swept as new keys arrive. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private nextSweepAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, windowMs: number, weight: number): Promise<WindowCount> {
    const now = this.now();
    if (now >= this.nextSweepAt) this.sweep(now, windowMs);
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += weight;
    return { count: window.count, resetInMs: window.resetAt - now };
  }

  /** How many windows are kept (tests). */
  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number, windowMs: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    this.nextSweepAt = now + windowMs;
  }

  async close(): Promise<void> {
    this.windows.clear();
  }
}

/**
 * INCRBY and the window's expiry in one atomic step: the first hit sets the expiry, and a key
 * that somehow lost it gets it again, so no counter lives for ever.
 */
const HIT_SCRIPT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

/** Counters in Redis, shared by every gateway configured with the same URL and key prefix. */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly client;

  constructor(url: string, logger: Logger) {
    this.client = createClient({
      url,
      // A request never waits for a Redis that is away: the limiter lets it through (see hit).
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 2_000,
        reconnectStrategy: (retries) => Math.min(retries * 200, 5_000),
      },
    });
    this.client.on('error', (error: unknown) =>
      logger.warn({ err: error }, 'rate limits: redis connection error'),
    );
  }

  async connect(): Promise<this> {
    await this.client.connect();
    return this;
  }

  async hit(key: string, windowMs: number, weight: number): Promise<WindowCount> {
    const reply = (await this.client.eval(HIT_SCRIPT, {
      keys: [key],
      arguments: [String(windowMs), String(weight)],
    })) as [number, number];
    return { count: Number(reply[0]), resetInMs: Number(reply[1]) };
  }

  async close(): Promise<void> {
    if (this.client.isOpen) await this.client.close();
  }
}

/** Redis when a URL is configured (connected before the gateway listens), else this process's memory. */
export async function openRateLimitStore(
  redisUrl: string | null,
  logger: Logger,
): Promise<RateLimitStore> {
  if (!redisUrl) return new MemoryRateLimitStore();
  return new RedisRateLimitStore(redisUrl, logger).connect();
}
