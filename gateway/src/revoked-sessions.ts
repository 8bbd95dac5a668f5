import {
  AmqpTransport,
  parseEnvelope,
  EnvelopeError,
  type EventTransport,
  type Subscription,
} from '@jobber/events';
import type { Logger } from '@jobber/service-kit';

/** Auth's access-token lifetime plus the verifier's clock tolerance: a revoked sid is kept this long. */
export const REVOKED_SESSION_RETENTION_MS = (15 * 60 + 5) * 1000 + 60_000;

/** The topology list's broadcast consumer (packages/events/src/topology.ts). */
export const REVOKED_SESSIONS_CONSUMER = 'gateway.revoked-sessions';

/**
 * Sessions auth has revoked, by id, each kept until every access token of it has expired; the
 * set never holds more than `maxSize` ids (the oldest go first, logged).
 */
export class RevokedSessions {
  /** sid → when its last access token expires; Map order = insertion order = oldest first. */
  private readonly until = new Map<string, number>();

  constructor(
    private readonly options: {
      retentionMs?: number;
      maxSize?: number;
      now?: () => number;
      onEvict?: (count: number) => void;
    } = {},
  ) {}

  add(sessionIds: readonly string[], revokedAt: Date): void {
    const now = this.options.now?.() ?? Date.now();
    const expires =
      revokedAt.getTime() + (this.options.retentionMs ?? REVOKED_SESSION_RETENTION_MS);
    if (expires <= now) return;
    this.sweep(now);
    for (const sid of sessionIds) {
      this.until.delete(sid);
      this.until.set(sid, expires);
    }
    const excess = this.until.size - (this.options.maxSize ?? 100_000);
    if (excess > 0) {
      for (const sid of [...this.until.keys()].slice(0, excess)) this.until.delete(sid);
      this.options.onEvict?.(excess);
    }
  }

  has(sessionId: string): boolean {
    const expires = this.until.get(sessionId);
    return expires !== undefined && expires > (this.options.now?.() ?? Date.now());
  }

  get size(): number {
    return this.until.size;
  }

  private sweep(now: number): void {
    for (const [sid, expires] of this.until) if (expires <= now) this.until.delete(sid);
  }
}

export interface RevocationFeed {
  close(): Promise<void>;
}

/**
 * Fills `revoked` from `auth.sessions.revoked`, delivered to every gateway process (broadcast).
 * Events published while this process was not connected are not seen (see the gateway README).
 * `events` is the broker to connect to, or a transport to share (embedded mode), which its
 * owner closes.
 */
export async function followRevocations(
  revoked: RevokedSessions,
  events: { amqpUrl: string; exchange: string; queuePrefix: string } | EventTransport,
  logger: Logger,
): Promise<RevocationFeed> {
  const shared = !('amqpUrl' in events);
  const transport: EventTransport = shared
    ? events
    : new AmqpTransport({
        url: events.amqpUrl,
        exchange: events.exchange,
        queuePrefix: events.queuePrefix,
        logger,
      });
  const close = async () => {
    if (!shared) await transport.close();
  };
  let subscription: Subscription;
  try {
    subscription = await transport.consume(
      {
        queue: REVOKED_SESSIONS_CONSUMER,
        types: ['auth.sessions.revoked'],
        retryDelaysMs: [],
        delivery: 'broadcast',
      },
      async (raw) => {
        const envelope = parseEnvelope(raw);
        if (envelope instanceof EnvelopeError || envelope.type !== 'auth.sessions.revoked') {
          logger.warn({ err: envelope }, 'revoked sessions: not a revocation event; dropped');
          return 'dead';
        }
        revoked.add(envelope.data.sessionIds, new Date(envelope.data.revokedAt));
        return 'ack';
      },
    );
  } catch (error) {
    await close();
    throw error;
  }
  return {
    async close() {
      await subscription.close();
      await close();
    },
  };
}
