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
import {
  assertConsumerMatchesTopology,
  consumerTopology,
  findTopologyEntry,
  type ConsumerTopology,
} from './topology.js';

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
  /**
   * Deliveries waiting at the same time are handled in one transaction, up to this many (one
   * inbox insert, one commit); if any of them fails the batch is rolled back and each is tried
   * in a transaction of its own. 1 turns batching off. Default 50.
   */
  batchSize?: number;
  /** Inbox rows older than this are deleted (a duplicate arriving later would run again). Default 7 days. */
  inboxRetentionMs?: number;
  metrics?: EventMetrics;
  /**
   * The list `start()` checks a listed consumer's handlers against (a mismatch throws
   * TopologyMismatchError); unlisted consumers start with the transport's warning. Default
   * the package's `consumerTopology`.
   */
  topology?: ConsumerTopology;
}

const consumerName = /^[a-z][a-z0-9_-]*\.[a-z][a-z0-9_.-]*$/;
const sevenDaysMs = 7 * 24 * 60 * 60 * 1000;
const pruneEveryMs = 60_000;

/** Raised inside the consumer when a transaction could not even start (no connection in time). */
class NotStartedError extends Error {}

type Handler<Tx> = (event: EventEnvelope, tx: Tx) => Promise<void>;

interface Pending<Tx> {
  event: EventEnvelope;
  handler: Handler<Tx>;
  meta: DeliveryMeta;
  settle: (outcome: DeliveryOutcome) => void;
}

/**
 * Runs handlers exactly once per event id: each delivery inserts `(consumer, event id)` into
 * `inbox_events` and runs the handler in the same transaction; a duplicate finds the row and is
 * acknowledged without running the handler. Failures go to the transport's retry path and,
 * when the delays are used up, to the dead-letter queue. At most `concurrency` transactions
 * run at once; deliveries that arrive meanwhile wait and go together into the next one (up to
 * `batchSize`: one inbox insert and one commit for all, each handler's effects with its inbox
 * row). A transaction that cannot start in time (the pool is busy) is not a handler failure:
 * the deliveries wait and try again without spending a retry.
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
  private readonly topology: ConsumerTopology;
  private subscription: Subscription | null = null;
  private stopping = false;
  private readonly batchSize: number;
  private running = 0;
  private readonly pending: Pending<Tx>[] = [];
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
    this.batchSize = Math.max(1, options.batchSize ?? 50);
    this.maxWaitMs = options.transactionMaxWaitMs ?? 10_000;
    this.timeoutMs = options.transactionTimeoutMs ?? 30_000;
    this.inboxRetentionMs = options.inboxRetentionMs ?? sevenDaysMs;
    this.metrics = options.metrics;
    this.topology = options.topology ?? consumerTopology;
  }

  /**
   * Declares the queue (bound to every type with a handler) and starts consuming. A consumer in
   * the topology list whose handlers differ from its entry fails here (TopologyMismatchError),
   * whatever list its transport was given.
   */
  async start(): Promise<void> {
    if (this.subscription) return;
    this.stopping = false;
    const types = (Object.keys(this.handlers) as EventType[]).filter(
      (type) => this.handlers[type] !== undefined,
    );
    if (findTopologyEntry(this.topology, this.name)) {
      assertConsumerMatchesTopology(this.name, types, undefined, this.topology);
    }
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
    return new Promise<DeliveryOutcome>((settle) => {
      this.pending.push({ event, handler, meta, settle });
      this.pump();
    });
  }

  /** Starts batches of waiting deliveries while fewer than `concurrency` transactions run. */
  private pump(): void {
    while (this.running < this.concurrency && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.batchSize);
      this.running += 1;
      void this.runBatch(batch).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  private async runBatch(batch: Pending<Tx>[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const applied = await this.inTransaction((tx) => this.applyBatch(tx, batch));
        batch.forEach((item, i) => {
          this.settled(item.event, applied[i] === true);
          item.settle('ack');
        });
        return;
      } catch (err) {
        this.logger.debug(
          { consumer: this.name, size: batch.length, err: errorMessage(err) },
          'event consumer: batch rolled back; handling its events one by one',
        );
      }
    }
    for (const item of batch) item.settle(await this.handleOne(item));
  }

  /** The batch's inbox rows in one statement, then each new event's handler, in order. */
  private async applyBatch(tx: Tx, batch: Pending<Tx>[]): Promise<boolean[]> {
    const inserted = await tx.$queryRawUnsafe<{ id: string }[]>(
      `INSERT INTO inbox_events (consumer, event_id, type)
       SELECT $1::text, e.id, e.type FROM unnest($2::uuid[], $3::text[]) AS e(id, type)
       ON CONFLICT DO NOTHING RETURNING event_id::text AS id`,
      this.name,
      batch.map((item) => item.event.id),
      batch.map((item) => item.event.type),
    );
    const fresh = new Set(inserted.map((row) => row.id));
    const applied: boolean[] = [];
    for (const item of batch) {
      // The same id twice in one batch runs once (the set forgets it after the first).
      const isNew = fresh.delete(item.event.id);
      if (isNew) await item.handler(item.event, tx);
      applied.push(isNew);
    }
    return applied;
  }

  private settled(event: EventEnvelope, applied: boolean): void {
    this.logger.debug(
      { consumer: this.name, eventType: event.type, eventId: event.id, duplicate: !applied },
      applied ? 'event consumer: handled' : 'event consumer: duplicate skipped',
    );
    this.report(applied ? 'handled' : 'duplicate');
  }

  private async handleOne({ event, handler, meta }: Pending<Tx>): Promise<DeliveryOutcome> {
    try {
      const applied = await this.inTransaction((tx) => this.applyOne(tx, event, handler));
      this.settled(event, applied);
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
    }
  }

  private async applyOne(tx: Tx, event: EventEnvelope, handler: Handler<Tx>): Promise<boolean> {
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
  }

  /**
   * Runs `work` in a transaction with the consumer's limits. A transaction that could not start
   * (no connection within maxWait) is tried again after a pause, until the consumer stops.
   */
  private async inTransaction<R>(work: (tx: Tx) => Promise<R>): Promise<R> {
    for (let waits = 1; ; waits++) {
      let started = false;
      try {
        return await this.db.$transaction(
          (tx) => {
            started = true;
            return work(tx);
          },
          { maxWait: this.maxWaitMs, timeout: this.timeoutMs },
        );
      } catch (err) {
        if (started || this.stopping) throw err;
        const delay = backoffDelay(waits, 50, 2000);
        this.logger.warn(
          { consumer: this.name, waits, retryInMs: delay, err: errorMessage(err) },
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
}
