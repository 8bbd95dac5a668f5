import type { EventEnvelope } from './envelope.js';
import { errorMessage, type EventLogger } from './logger.js';
import { backoffDelay, WakeableSleep } from './sleep.js';
import type { SqlClient, TransactionalSqlClient } from './sql-client.js';
import type { EventTransport } from './transport.js';

export interface OutboxRelayOptions {
  db: TransactionalSqlClient;
  transport: EventTransport;
  logger: EventLogger;
  /** Rows claimed and published per transaction. Default 100. */
  batchSize?: number;
  /** How often to look for unsent rows when nobody nudges. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Sent rows older than this are deleted. Default 7 days. */
  retentionMs?: number;
  /** Upper bound of the back-off after failed publishes. Default 5000 ms. */
  maxBackoffMs?: number;
  /** Timeout of the claim-publish-mark transaction. Default 30000 ms. */
  transactionTimeoutMs?: number;
}

interface OutboxRow {
  id: string;
  payload: unknown;
}

const sevenDaysMs = 7 * 24 * 60 * 60 * 1000;
const pruneEveryMs = 60_000;
const backoffBaseMs = 100;

/**
 * Publishes rows of `outbox_events` in `seq` order and marks them sent. Rows are claimed with
 * `FOR UPDATE SKIP LOCKED`, so several relays can share a table; a failed publish leaves them
 * unsent (attempts + 1, last_error) and the relay retries after a back-off.
 */
export class OutboxRelay {
  private readonly db: TransactionalSqlClient;
  private readonly transport: EventTransport;
  private readonly logger: EventLogger;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly retentionMs: number;
  private readonly maxBackoffMs: number;
  private readonly transactionTimeoutMs: number;

  private running = false;
  private loop: Promise<void> | null = null;
  private nudged = false;
  private readonly idle = new WakeableSleep();
  private readonly backoff = new WakeableSleep();
  private inFlight: Promise<unknown> = Promise.resolve();
  private lastPruneAt = 0;

  constructor(options: OutboxRelayOptions) {
    this.db = options.db;
    this.transport = options.transport;
    this.logger = options.logger;
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.retentionMs = options.retentionMs ?? sevenDaysMs;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.transactionTimeoutMs = options.transactionTimeoutMs ?? 30_000;
  }

  /** Starts the background loop (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Tells a started relay that new rows were committed, so it publishes now instead of at the next poll. */
  nudge(): void {
    this.nudged = true;
    this.idle.wake();
  }

  /** Stops the loop after the batch in flight is published (or failed). */
  async stop(): Promise<void> {
    this.running = false;
    this.idle.wake();
    this.backoff.wake();
    await this.loop;
    this.loop = null;
  }

  /**
   * Publishes until no unsent row is left (rows claimed by another relay are waited for);
   * returns how many this call published. Throws if a publish fails. Meant for tests and scripts.
   */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.track(this.publishBatch());
      total += published;
      if (published > 0) continue;
      if ((await this.pendingCount()) === 0) return total;
      // Rows are locked by a batch in flight (ours or another relay's): wait for it, look again.
      await this.inFlight.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      this.nudged = false;
      await this.pruneIfDue();
      let published: number;
      try {
        published = await this.track(this.publishBatch());
        failures = 0;
      } catch (err) {
        failures += 1;
        const delay = backoffDelay(failures, backoffBaseMs, this.maxBackoffMs);
        this.logger.warn(
          { err: errorMessage(err), failures, retryInMs: delay },
          'outbox relay: publish failed',
        );
        if (this.running) await this.backoff.sleep(delay);
        continue;
      }
      if (published >= this.batchSize) continue;
      if (this.nudged || !this.running) continue;
      await this.idle.sleep(this.pollIntervalMs);
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight = work.catch(() => undefined);
    return work;
  }

  /** Claims, publishes and marks one batch in one transaction; returns the number published. */
  private async publishBatch(): Promise<number> {
    const result = await this.db.$transaction(
      async (tx) => {
        const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
          `SELECT id::text AS id, payload FROM outbox_events
           WHERE sent_at IS NULL ORDER BY seq LIMIT $1::int FOR UPDATE SKIP LOCKED`,
          this.batchSize,
        );
        if (rows.length === 0) return { count: 0 };
        const ids = rows.map((row) => row.id).join(',');
        try {
          await this.transport.publish(rows.map(storedEnvelope));
        } catch (err) {
          await markFailed(tx, ids, errorMessage(err));
          return { count: rows.length, error: err };
        }
        await tx.$executeRawUnsafe(
          `UPDATE outbox_events SET sent_at = now(), attempts = attempts + 1, last_error = NULL
           WHERE id = ANY(string_to_array($1::text, ',')::uuid[])`,
          ids,
        );
        return { count: rows.length };
      },
      { timeout: this.transactionTimeoutMs, maxWait: this.transactionTimeoutMs },
    );
    if ('error' in result) throw result.error;
    if (result.count > 0) this.logger.debug({ count: result.count }, 'outbox relay: published');
    return result.count;
  }

  private async pendingCount(): Promise<number> {
    const rows = await this.db.$queryRawUnsafe<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM outbox_events WHERE sent_at IS NULL',
    );
    return rows[0]?.n ?? 0;
  }

  private async pruneIfDue(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPruneAt < pruneEveryMs) return;
    this.lastPruneAt = now;
    try {
      const deleted = await this.db.$executeRawUnsafe(
        `DELETE FROM outbox_events
         WHERE sent_at IS NOT NULL AND sent_at < now() - $1::double precision * interval '1 millisecond'`,
        this.retentionMs,
      );
      if (deleted > 0) this.logger.debug({ deleted }, 'outbox relay: pruned sent rows');
    } catch (err) {
      this.logger.warn({ err: errorMessage(err) }, 'outbox relay: pruning failed');
    }
  }
}

async function markFailed(tx: SqlClient, ids: string, message: string): Promise<void> {
  await tx.$executeRawUnsafe(
    `UPDATE outbox_events SET attempts = attempts + 1, last_error = $2::text
     WHERE id = ANY(string_to_array($1::text, ',')::uuid[])`,
    ids,
    message,
  );
}

/** The payload was validated by enqueueEvent; only check it still looks like an envelope. */
function storedEnvelope(row: OutboxRow): EventEnvelope {
  const payload: unknown = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload;
  if (
    typeof payload !== 'object' ||
    payload === null ||
    !('id' in payload) ||
    !('type' in payload) ||
    payload.id !== row.id
  ) {
    throw new Error(`outbox row ${row.id} does not hold an event envelope`);
  }
  return payload as EventEnvelope;
}
