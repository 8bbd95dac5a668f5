import type { EventType } from './contracts.js';
import { EnvelopeError, parseEnvelope, type EventEnvelope } from './envelope.js';
import { errorMessage, type EventLogger } from './logger.js';
import type { ConsumerOutcome, EventMetrics } from './metrics.js';
import { backoffDelay, WakeableSleep } from './sleep.js';
import type { SqlClient, TransactionalSqlClient } from './sql-client.js';
import {
  defaultPrefetch,
  type DeliveryMeta,
  type DeliveryOutcome,
  type EventTransport,
  type Subscription,
} from './transport.js';

/** One handler per event type; it runs inside the transaction that records the inbox row. */
export type EventHandlers<Tx> = {
  [T in EventType]?: (event: EventEnvelope<T>, tx: Tx) => Promise<void>;
};

export interface EventConsumerOptions<Tx extends SqlClient> {
  /** `<subgraph>.<purpose>`: the queue name (before the transport's prefix) and the inbox key. */
  name: string;
  db: TransactionalSqlClient<Tx>;
  transport: EventTransport;
  logger: EventLogger;
  handlers: EventHandlers<Tx>;
  /** Delays before each retry of a failing handler. Default [1000, 10000, 60000]. */
  retryDelaysMs?: number[];
  /** Messages the broker hands over before they are acknowledged. Default 10. */
  prefetch?: number;
  /**
   * Handler transactions open at once (each holds a pooled connection). Keep it below the
   * pool size so HTTP requests still get connections. Default 2.
   */
  concurrency?: number;
  /** Longest wait for a pooled connection to start a transaction (Prisma's maxWait). Default 10000 ms. */
  transactionMaxWaitMs?: number;
  /** Longest a handler's transaction may run (Prisma's timeout). Default 30000 ms. */
  transactionTimeoutMs?: number;
  /** Inbox rows older than this are deleted (a duplicate arriving later would run again). Default 7 days. */
  inboxRetentionMs?: number;
  metrics?: EventMetrics;
}

const consumerName = /^[a-z][a-z0-9_-]*\.[a-z][a-z0-9_.-]*$/;
const sevenDaysMs = 7 * 24 * 60 * 60 * 1000;
const pruneEveryMs = 60_000;

/** Raised inside the consumer when a transaction could not even start (no connection in time). */
class NotStartedError extends Error {}

/**
 * Runs handlers exactly once per event id: each delivery inserts `(consumer, event id)` into
 * `inbox_events` and runs the handler in the same transaction; a duplicate finds the row and is
 * acknowledged without running the handler. Failures go to the transport's retry path and,
 * when the delays are used up, to the dead-letter queue. At most `concurrency` transactions
 * run at once; a transaction that cannot start in time (the pool is busy) is not a handler
 * failure: the delivery waits and tries again without spending a retry.
 */
export class EventConsumer<Tx extends SqlClient = SqlClient> {
  readonly name: string;
  private readonly db: TransactionalSqlClient<Tx>;
  private readonly transport: EventTransport;
  private readonly logger: EventLogger;
  private readonly handlers: EventHandlers<Tx>;
  private readonly retryDelaysMs: number[];
  private readonly prefetch: number;
  private readonly concurrency: number;
  private readonly maxWaitMs: number;
  private readonly timeoutMs: number;
  private readonly inboxRetentionMs: number;
  private readonly metrics: EventMetrics | undefined;
  private subscription: Subscription | null = null;
  private stopping = false;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly pauses = new Set<WakeableSleep>();
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(options: EventConsumerOptions<Tx>) {
    if (!consumerName.test(options.name)) {
      throw new Error(`consumer name "${options.name}" must look like "<subgraph>.<purpose>"`);
    }
    this.name = options.name;
    this.db = options.db;
    this.transport = options.transport;
    this.logger = options.logger;
    this.handlers = options.handlers;
    this.retryDelaysMs = options.retryDelaysMs ?? [1000, 10_000, 60_000];
    this.prefetch = options.prefetch ?? defaultPrefetch;
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.maxWaitMs = options.transactionMaxWaitMs ?? 10_000;
    this.timeoutMs = options.transactionTimeoutMs ?? 30_000;
    this.inboxRetentionMs = options.inboxRetentionMs ?? sevenDaysMs;
    this.metrics = options.metrics;
  }

  /** Declares the queue (bound to every type with a handler) and starts consuming. */
  async start(): Promise<void> {
    if (this.subscription) return;
    this.stopping = false;
    const types = (Object.keys(this.handlers) as EventType[]).filter(
      (type) => this.handlers[type] !== undefined,
    );
    this.subscription = await this.transport.consume(
      { queue: this.name, types, retryDelaysMs: this.retryDelaysMs, prefetch: this.prefetch },
      (raw, meta) => this.handle(raw, meta),
    );
    this.schedulePrune(0);
  }

  /** Stops consuming and waits for the handlers in flight. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.pruneTimer) clearTimeout(this.pruneTimer);
    this.pruneTimer = null;
    for (const pause of this.pauses) pause.wake();
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.close();
  }

  /** Deletes this consumer's inbox rows older than the retention now; returns how many. */
  async prune(): Promise<number> {
    const deleted = await this.db.$executeRawUnsafe(
      `DELETE FROM inbox_events
       WHERE consumer = $1::text
         AND processed_at < CURRENT_TIMESTAMP - $2::double precision * interval '1 millisecond'`,
      this.name,
      this.inboxRetentionMs,
    );
    if (deleted > 0)
      this.logger.debug({ consumer: this.name, deleted }, 'event consumer: pruned inbox');
    return deleted;
  }

  private schedulePrune(delayMs: number): void {
    this.pruneTimer = setTimeout(() => {
      this.prune()
        .catch((err: unknown) =>
          this.logger.warn(
            { consumer: this.name, err: errorMessage(err) },
            'event consumer: pruning failed',
          ),
        )
        .finally(() => {
          if (!this.stopping && this.subscription) this.schedulePrune(pruneEveryMs);
        });
    }, delayMs);
    this.pruneTimer.unref();
  }

  private report(outcome: ConsumerOutcome): void {
    this.metrics?.consumerOutcome(this.name, outcome);
  }

  private async handle(raw: unknown, meta: DeliveryMeta): Promise<DeliveryOutcome> {
    const event = parseEnvelope(raw);
    if (event instanceof EnvelopeError) {
      this.logger.error(
        {
          consumer: this.name,
          reason: event.reason,
          eventType: event.eventType,
          err: event.message,
        },
        'event consumer: invalid message, dead-lettered',
      );
      this.report('dead_lettered');
      return 'dead';
    }
    const handler = this.handlers[event.type] as
      ((event: EventEnvelope, tx: Tx) => Promise<void>) | undefined;
    if (!handler) {
      this.logger.warn(
        { consumer: this.name, eventType: event.type, eventId: event.id },
        'event consumer: no handler for this type, acknowledged',
      );
      return 'ack';
    }
    await this.acquire();
    try {
      const applied = await this.applyOnce(event, handler);
      this.logger.debug(
        { consumer: this.name, eventType: event.type, eventId: event.id, duplicate: !applied },
        applied ? 'event consumer: handled' : 'event consumer: duplicate skipped',
      );
      this.report(applied ? 'handled' : 'duplicate');
      return 'ack';
    } catch (err) {
      const retried = meta.attempt <= this.retryDelaysMs.length;
      this.logger.warn(
        {
          consumer: this.name,
          eventType: event.type,
          eventId: event.id,
          attempt: meta.attempt,
          err: errorMessage(err),
        },
        retried
          ? 'event consumer: handler failed, will retry'
          : 'event consumer: handler failed, dead-lettered',
      );
      this.report('failed');
      this.report(retried ? 'retried' : 'dead_lettered');
      return 'retry';
    } finally {
      this.release();
    }
  }

  /**
   * The inbox row and the handler in one transaction. A transaction that could not start (no
   * connection within maxWait) is tried again after a pause, until the consumer stops.
   */
  private async applyOnce(
    event: EventEnvelope,
    handler: (event: EventEnvelope, tx: Tx) => Promise<void>,
  ): Promise<boolean> {
    for (let waits = 1; ; waits++) {
      let started = false;
      try {
        return await this.db.$transaction(
          async (tx) => {
            started = true;
            const inserted = await tx.$executeRawUnsafe(
              `INSERT INTO inbox_events (consumer, event_id, type) VALUES ($1::text, $2::uuid, $3::text)
               ON CONFLICT DO NOTHING`,
              this.name,
              event.id,
              event.type,
            );
            if (inserted === 0) return false;
            await handler(event, tx);
            return true;
          },
          { maxWait: this.maxWaitMs, timeout: this.timeoutMs },
        );
      } catch (err) {
        if (started || this.stopping) throw err;
        const delay = backoffDelay(waits, 50, 2000);
        this.logger.warn(
          {
            consumer: this.name,
            eventId: event.id,
            waits,
            retryInMs: delay,
            err: errorMessage(err),
          },
          'event consumer: no database connection in time; waiting, no retry spent',
        );
        await this.pause(delay);
        if (this.stopping) throw new NotStartedError(`stopped while waiting: ${errorMessage(err)}`);
      }
    }
  }

  private async pause(ms: number): Promise<void> {
    const sleep = new WakeableSleep();
    this.pauses.add(sleep);
    try {
      await sleep.sleep(ms);
    } finally {
      this.pauses.delete(sleep);
    }
  }

  private async acquire(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next)
      next(); // the slot passes on
    else this.running -= 1;
  }
}
