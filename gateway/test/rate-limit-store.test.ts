import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '@jobber/service-kit';
import { MemoryRateLimitStore, RedisRateLimitStore } from '../src/rate-limit-store.js';
import { RateLimited, createRateLimiter } from '../src/rate-limits.js';

const logger = createLogger({ service: 'gateway-test', level: 'silent' });
const REDIS_URL = 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<string | null> {
  const probe = createClient({
    url: REDIS_URL,
    socket: { reconnectStrategy: false, connectTimeout: 1_000 },
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    await probe.close();
    return null;
  } catch (error) {
    return `Redis at ${REDIS_URL} is not reachable (${String(error)}); the Redis store test is skipped`;
  }
}
const unreachable = await redisReachable();
if (unreachable) console.warn(unreachable);

describe('MemoryRateLimitStore', () => {
  it('counts within a window, starts a new one after it, and forgets expired windows', async () => {
    let now = 1_000_000;
    const store = new MemoryRateLimitStore(() => now);
    expect(await store.hit('a', 60_000, 1)).toEqual({ count: 1, resetInMs: 60_000 });
    now += 10_000;
    expect(await store.hit('a', 60_000, 4)).toEqual({ count: 5, resetInMs: 50_000 });
    now += 50_000;
    expect(await store.hit('a', 60_000, 1)).toEqual({ count: 1, resetInMs: 60_000 });
    for (let i = 0; i < 100; i++) await store.hit(`k${i}`, 60_000, 1);
    now += 60_001;
    await store.hit('b', 60_000, 1);
    expect(store.size).toBe(1);
  });
});

describe.runIf(!unreachable)('RedisRateLimitStore against the machine’s Redis', () => {
  const prefix = `jobber-test:${randomBytes(6).toString('hex')}:`;
  const stores: RedisRateLimitStore[] = [];
  const open = async () => {
    const store = await new RedisRateLimitStore(REDIS_URL, logger).connect();
    stores.push(store);
    return store;
  };

  afterAll(async () => {
    const admin = createClient({ url: REDIS_URL });
    await admin.connect();
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(keys);
    expect(await admin.keys(`${prefix}*`)).toEqual([]);
    await admin.close();
    await Promise.all(stores.map((store) => store.close()));
  });

  it('two gateways share one counter: 200 parallel hits count 1 … 200 exactly once', async () => {
    const [a, b] = [await open(), await open()];
    const key = `${prefix}shared`;
    const counts = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).hit(key, 60_000, 1)),
    );
    expect(counts.map((c) => c.count).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    for (const { resetInMs } of counts) {
      expect(resetInMs).toBeGreaterThan(0);
      expect(resetInMs).toBeLessThanOrEqual(60_000);
    }
  });

  it('the window expires in Redis, and a weight counts as that many hits', async () => {
    const store = await open();
    const key = `${prefix}expiring`;
    // A window far longer than any pause of a busy machine: its expiry is set, within the window.
    expect((await store.hit(key, 60_000, 5)).count).toBe(5);
    const admin = createClient({ url: REDIS_URL });
    await admin.connect();
    try {
      const ttl = await admin.pTTL(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
      // A short window is gone once it ends (awaited with a bounded poll).
      const short = `${prefix}short`;
      await store.hit(short, 100, 1);
      const deadline = Date.now() + 10_000;
      while ((await admin.exists(short)) === 1) {
        if (Date.now() > deadline) throw new Error('the 100 ms window never expired');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await admin.close();
    }
  });

  it('a limiter over it refuses the hit past the limit, from either gateway', async () => {
    const settings = {
      windowSeconds: 60,
      operationsPerIp: 3,
      operationsPerAccount: 0,
      sensitivePerIp: 0,
      sensitivePerAccount: 0,
      costPerIp: 0,
      costPerAccount: 0,
      keyPrefix: prefix,
    };
    const first = createRateLimiter(settings, await open(), logger);
    const second = createRateLimiter(settings, await open(), logger);
    const identity = {
      viewer: null,
      client: { ip: '203.0.113.9', userAgent: null, deviceId: null },
      requestId: 'r',
    };
    const outcomes = [];
    for (let i = 0; i < 5; i++) {
      outcomes.push(
        await (i % 2 ? second : first).admitRequest(identity).then(
          () => 'admitted',
          (error: unknown) => (error instanceof RateLimited ? 'limited' : 'failed'),
        ),
      );
    }
    expect(outcomes).toEqual(['admitted', 'admitted', 'admitted', 'limited', 'limited']);
  });
});
