import {
  AmqpTransport,
  EnvelopeError,
  WakeableSleep,
  backoffDelay,
  parseEnvelope,
  type EventTransport,
  type Subscription,
} from '@jobber/events';
import type { Logger, ReadinessCheck } from '@jobber/service-kit';
import type { RevokedSessionsSource } from './revocation-catch-up.js';
import {
  REVOKED_SESSIONS_CONSUMER,
  REVOKED_SESSION_RETENTION_MS,
  type RevokedSessions,
} from './revoked-sessions.js';

/** Waits between tries (to subscribe, to catch up): doubling from the first, the last repeating. */
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5_000;

export interface RevocationFeedOptions {
  revoked: RevokedSessions;
  /** The broker to connect to, or a transport to share (embedded mode), which its owner closes. */
  events:
    | {
        amqpUrl: string;
        exchange: string;
        queuePrefix: string;
        declareQueuesOf?: readonly string[];
      }
    | EventTransport;
  /** The sessions revoked since a time, from auth (`revokedSessionsFromAuth`). */
  catchUp: RevokedSessionsSource;
  logger: Logger;
  now?: () => number;
}

/**
 * Keeps `revoked` complete: `auth.sessions.revoked` as it is published (a broadcast consumer:
 * every gateway process gets every event while it is connected), and, after every connect to the
 * broker and at start, the sessions auth revoked within an access token's lifetime, asked of auth,
 * so that nothing published while this process was not listening is missed.
 *
 * Neither the broker nor auth is needed to start: until the broker answers the gateway serves
 * and keeps trying (with back-off); a failed catch-up is tried again the same way. Both show in
 * the non-critical `revocations` readiness check.
 */
export class RevocationFeed {
  private readonly transport: EventTransport;
  /** Ours to close, and to watch for reconnects: null for a shared (in-process) transport. */
  private readonly broker: AmqpTransport | null;
  private subscription: Subscription | null = null;
  private brokerProblem = 'not connected yet';
  private catchUpProblem: string | null = 'not caught up yet';
  /** Catch-ups asked for and not yet begun; each waiter learns whether the next one succeeded. */
  private waiting: ((caughtUp: boolean) => void)[] = [];
  /** The catch-up the latest connect asked for. */
  private connectCatchUp: Promise<boolean> | null = null;
  /** The broker connection (`connectionCount`) the last successful catch-up began on. */
  private caughtUpOn = -1;
  private catchingUp = false;
  private closed = false;
  private readonly retrySleep = new WakeableSleep();
  private readonly catchUpSleep = new WakeableSleep();
  private readonly aborted = new AbortController();

  constructor(private readonly options: RevocationFeedOptions) {
    const { events } = options;
    this.broker =
      'amqpUrl' in events
        ? new AmqpTransport({
            url: events.amqpUrl,
            exchange: events.exchange,
            queuePrefix: events.queuePrefix,
            declareQueuesOf: events.declareQueuesOf,
            logger: options.logger,
            // The broadcast queue is bound again by now: whatever was missed is in auth's table.
            onConnected: () => {
              this.connectCatchUp = this.requestCatchUp();
            },
          })
        : null;
    this.transport = this.broker ?? (events as EventTransport);
  }

  /** Connections made so far (a shared in-process transport never reconnects: 0). */
  private get connectionCount(): number {
    return this.broker?.connectionCount ?? 0;
  }

  /**
   * Subscribes (once: on failure it keeps trying in the background) and catches up once (the
   * same); resolves either way, so that the gateway starts without the broker or auth.
   */
  async start(): Promise<void> {
    const subscribed = await this.trySubscribe(1);
    if (!subscribed) void this.subscribeUntilDone();
    // Subscribed: the connect already asked for a catch-up after the queue was bound.
    await ((subscribed && this.connectCatchUp) || this.requestCatchUp());
  }

  /** For /readyz: not critical (the gateway serves without it), but shown as `degraded`. */
  readiness(): ReadinessCheck {
    return {
      name: 'revocations',
      critical: false,
      check: async () => {
        const problem = this.problem();
        if (problem) throw new Error(problem);
      },
    };
  }

  /** Why a revoked session could be missed right now, or null. */
  problem(): string | null {
    if (!this.subscription) return `broker: ${this.brokerProblem}; retrying`;
    if (this.broker && !this.broker.connected) return 'broker: connection lost; reconnecting';
    if (this.catchUpProblem) return `catch-up from auth: ${this.catchUpProblem}`;
    // Reconnected a moment ago: the consumer is being set up, the catch-up not yet asked for.
    if (this.caughtUpOn !== this.connectionCount) return 'catch-up from auth: under way';
    return null;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.aborted.abort();
    this.retrySleep.wake();
    this.catchUpSleep.wake();
    await this.subscription?.close();
    await this.broker?.close();
    for (const resolve of this.waiting.splice(0)) resolve(false);
  }

  private async subscribeUntilDone(): Promise<void> {
    for (let attempt = 2; !this.closed; attempt++) {
      await this.retrySleep.sleep(backoffDelay(attempt - 1, RETRY_FIRST_MS, RETRY_MAX_MS));
      if (this.closed || (await this.trySubscribe(attempt))) return;
    }
  }

  private async trySubscribe(attempt: number): Promise<boolean> {
    const { logger, revoked } = this.options;
    const connections = this.connectionCount;
    try {
      const subscription = await this.transport.consume(
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
      if (this.closed) {
        await subscription.close();
        return true;
      }
      this.subscription = subscription;
      if (attempt > 1) logger.info({ attempt }, 'revoked sessions: following the broker now');
      // Bound on a connection opened earlier (its onConnected came before this queue existed).
      if (this.broker && this.connectionCount === connections) void this.requestCatchUp();
      return true;
    } catch (error) {
      this.brokerProblem = reason(error);
      // The first failure and then every 12th (about a minute apart) are worth a warning.
      if (attempt === 1 || attempt % 12 === 0) {
        logger.warn(
          { attempt, err: this.brokerProblem },
          'revoked sessions: broker unreachable; serving, and trying again',
        );
      }
      return false;
    }
  }

  /** Resolves with whether the next catch-up (one that starts after this call) succeeded. */
  private requestCatchUp(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    const next = new Promise<boolean>((resolve) => this.waiting.push(resolve));
    this.catchUpProblem ??= 'under way';
    if (!this.catchingUp) void this.catchUpLoop();
    return next;
  }

  /** One catch-up at a time; a failed one is tried again (back-off) until one succeeds. */
  private async catchUpLoop(): Promise<void> {
    this.catchingUp = true;
    let failures = 0;
    while (!this.closed && (this.waiting.length > 0 || failures > 0)) {
      const served = this.waiting.splice(0);
      const ok = await this.catchUpOnce();
      for (const resolve of served) resolve(ok);
      if (ok) {
        failures = 0;
        if (this.waiting.length === 0) this.catchUpProblem = null;
        continue;
      }
      failures += 1;
      await this.catchUpSleep.sleep(backoffDelay(failures, RETRY_FIRST_MS, RETRY_MAX_MS));
    }
    this.catchingUp = false;
  }

  private async catchUpOnce(): Promise<boolean> {
    const { revoked, catchUp, logger } = this.options;
    const since = new Date((this.options.now?.() ?? Date.now()) - REVOKED_SESSION_RETENTION_MS);
    const connection = this.connectionCount;
    try {
      const sessions = await catchUp(since, this.aborted.signal);
      revoked.addAll(sessions);
      this.caughtUpOn = connection;
      logger.info({ since, sessions: sessions.length }, 'revoked sessions: caught up from auth');
      return true;
    } catch (error) {
      if (this.closed) return false;
      this.catchUpProblem = `failed (${reason(error)}); retrying`;
      logger.warn({ err: reason(error) }, 'revoked sessions: catch-up from auth failed');
      return false;
    }
  }
}

/** The most telling part of a failure: `ECONNREFUSED` rather than "fetch failed". */
function reason(error: unknown): string {
  if (!(error instanceof Error)) return 'failed';
  if (error.name === 'TimeoutError') return 'no answer in time';
  const cause: unknown = error.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? code : cause.message;
  }
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.message;
}
