import type { EventEnvelope } from './envelope.js';
import { errorMessage, type EventLogger } from './logger.js';
import type { EventMetrics } from './metrics.js';
import type { PublishFailure } from './publish-result.js';
import { backoffDelay, WakeableSleep } from './sleep.js';
import type { SqlClient, TransactionalSqlClient } from './sql-client.js';
import type { EventTransport } from './transport.js';

export interface OutboxRelayOptions {
  db: TransactionalSqlClient;
  transport: EventTransport;
  logger: EventLogger;
  /** Rows claimed and published per transaction. Default 200. */
  batchSize?: number;
  /** How often to look for unsent rows when nobody nudges. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Sent rows older than this are deleted (parked rows never are). Default 7 days. */
  retentionMs?: number;
  /** Upper bound of the back-off after a failed batch (broker down). Default 5000 ms. */
  maxBackoffMs?: number;
  /** Timeout of the claim-publish-mark transaction, and of waiting for its connection. Default 30000 ms. */
  transactionTimeoutMs?: number;
  /**
   * A row that fails on its own (refused by the broker) is parked after this many attempts; a
   * row that can never be published (too large, not an envelope) at once. Default 10.
   */
  maxAttempts?: number;
  /** Back-off of a row that failed on its own: base·2^(attempts−1), capped. Default 1000 ms … 5 min. */
  rowBackoffBaseMs?: number;
  rowMaxBackoffMs?: number;
  metrics?: EventMetrics;
  /** How often the backlog is sampled for `metrics`. Default 15000 ms. */
  metricsIntervalMs?: number;
}

interface OutboxRow {
  id: string;
  payload: unknown;
}

interface BatchResult {
  claimed: number;
  sent: number;
  error?: unknown;
}

const sevenDaysMs = 7 * 24 * 60 * 60 * 1000;
const pruneEveryMs = 60_000;
const backoffBaseMs = 100;

/** Rows the relay may claim now: unsent, not parked, not waiting for a later attempt. */
const claimable = `sent_at IS NULL AND parked_at IS NULL
  AND (next_attempt_at IS NULL OR next_attempt_at <= CURRENT_TIMESTAMP)`;

/**
 * Publishes rows of `outbox_events` in `seq` order and marks them sent. Rows are claimed with
 * `FOR UPDATE SKIP LOCKED`, so several relays can share a table. When the whole publish fails
 * (broker down) the rows stay claimable and the relay backs off. A row that fails on its own
 * (refused, too large, not an envelope) does not hold up the rest: it gets `attempts + 1`,
 * `last_error` and a `next_attempt_at` after a back-off of its own, and is parked
 * (`parked_at`, logged as an error) after `maxAttempts`, or at once if it can never succeed.
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
  private readonly maxAttempts: number;
  private readonly rowBackoffBaseMs: number;
  private readonly rowMaxBackoffMs: number;
  private readonly metrics: EventMetrics | undefined;
  private readonly metricsIntervalMs: number;

  private running = false;
  private loop: Promise<void> | null = null;
  private nudged = false;
  private readonly idle = new WakeableSleep();
  private readonly backoff = new WakeableSleep();
  private inFlight: Promise<unknown> = Promise.resolve();
  private lastPruneAt = 0;
  private lastSampleAt = 0;

  constructor(options: OutboxRelayOptions) {
    this.db = options.db;
    this.transport = options.transport;
    this.logger = options.logger;
    this.batchSize = options.batchSize ?? 200;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.retentionMs = options.retentionMs ?? sevenDaysMs;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.transactionTimeoutMs = options.transactionTimeoutMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.rowBackoffBaseMs = options.rowBackoffBaseMs ?? 1000;
    this.rowMaxBackoffMs = options.rowMaxBackoffMs ?? 5 * 60_000;
    this.metrics = options.metrics;
    this.metricsIntervalMs = options.metricsIntervalMs ?? 15_000;
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
   * Publishes until no claimable row is left (rows claimed by another relay are waited for);
   * returns how many this call published. Rows that fail on their own are left to their
   * back-off (or parked); throws if a whole publish fails. Meant for tests and scripts.
   */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.track(this.publishBatch());
      if (batch.error !== undefined) throw batch.error;
      total += batch.sent;
      if (batch.claimed > 0) continue;
      if ((await this.claimableCount()) === 0) return total;
      // Rows are locked by a batch in flight (ours or another relay's): wait for it, look again.
      await this.inFlight.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Deletes sent rows older than the retention now; returns how many. Parked rows stay. */
  async prune(): Promise<number> {
    const deleted = await this.db.$executeRawUnsafe(
      `DELETE FROM outbox_events
       WHERE sent_at IS NOT NULL AND sent_at < CURRENT_TIMESTAMP - $1::double precision * interval '1 millisecond'`,
      this.retentionMs,
    );
    if (deleted > 0) this.logger.debug({ deleted }, 'outbox relay: pruned sent rows');
    return deleted;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      this.nudged = false;
      await this.pruneIfDue();
      await this.sampleIfDue();
      let batch: BatchResult;
      try {
        batch = await this.track(this.publishBatch());
      } catch (err) {
        batch = { claimed: 0, sent: 0, error: err };
      }
      if (batch.error !== undefined) {
        failures += 1;
        const delay = backoffDelay(failures, backoffBaseMs, this.maxBackoffMs);
        this.logger.warn(
          { err: errorMessage(batch.error), failures, retryInMs: delay },
          'outbox relay: publish failed',
        );
        if (this.running) await this.backoff.sleep(delay);
        continue;
      }
      failures = 0;
      if (batch.claimed >= this.batchSize) continue;
      if (this.nudged || !this.running) continue;
      await this.idle.sleep(this.pollIntervalMs);
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight = work.catch(() => undefined);
    return work;
  }

  /** Claims, publishes and marks one batch in one transaction. */
  private async publishBatch(): Promise<BatchResult> {
    const result = await this.db.$transaction(
      async (tx): Promise<BatchResult & { parked: number }> => {
        const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
          `SELECT id::text AS id, payload FROM outbox_events
           WHERE ${claimable} ORDER BY seq LIMIT $1::int FOR UPDATE SKIP LOCKED`,
          this.batchSize,
        );
        if (rows.length === 0) return { claimed: 0, sent: 0, parked: 0 };
        const envelopes: EventEnvelope[] = [];
        const failures: PublishFailure[] = [];
        for (const row of rows) {
          const envelope = storedEnvelope(row);
          if (typeof envelope === 'string') {
            failures.push({ id: row.id, error: envelope, permanent: true });
          } else {
            envelopes.push(envelope);
          }
        }
        let error: unknown;
        try {
          const published = await this.transport.publish(envelopes);
          failures.push(...published.failed);
        } catch (err) {
          error = err;
        }
        const parked = await this.markFailedRows(tx, failures);
        if (error !== undefined) {
          // The batch as a whole: nobody's fault in particular, so no row's back-off or parking.
          await tx.$executeRawUnsafe(
            `UPDATE outbox_events SET attempts = attempts + 1, last_error = $2::text
             WHERE id = ANY($1::uuid[])`,
            envelopes.map((envelope) => envelope.id),
            errorMessage(error),
          );
          return { claimed: rows.length, sent: 0, parked, error };
        }
        const failedIds = new Set(failures.map((failure) => failure.id));
        const sentIds = envelopes.map((e) => e.id).filter((id) => !failedIds.has(id));
        if (sentIds.length > 0) {
          await tx.$executeRawUnsafe(
            `UPDATE outbox_events
             SET sent_at = CURRENT_TIMESTAMP, attempts = attempts + 1, last_error = NULL, next_attempt_at = NULL
             WHERE id = ANY($1::uuid[])`,
            sentIds,
          );
        }
        return { claimed: rows.length, sent: sentIds.length, parked };
      },
      { timeout: this.transactionTimeoutMs, maxWait: this.transactionTimeoutMs },
    );
    if (result.sent > 0) {
      this.logger.debug({ count: result.sent }, 'outbox relay: published');
      this.metrics?.eventsPublished(result.sent);
    }
    if (result.parked > 0) this.metrics?.eventsParked(result.parked);
    return result;
  }

  /** Records rows that failed on their own: back-off, or parked. Returns how many were parked. */
  private async markFailedRows(tx: SqlClient, failures: PublishFailure[]): Promise<number> {
    if (failures.length === 0) return 0;
    const updated = await tx.$queryRawUnsafe<
      { id: string; type: string; attempts: number; last_error: string; parked: boolean }[]
    >(
      `UPDATE outbox_events AS o
       SET attempts = o.attempts + 1,
           last_error = f.error,
           next_attempt_at = CURRENT_TIMESTAMP
             + LEAST($5::double precision, $4::double precision * power(2, o.attempts))
             * interval '1 millisecond',
           parked_at = CASE WHEN f.permanent OR o.attempts + 1 >= $6::int
                            THEN CURRENT_TIMESTAMP END
       FROM unnest($1::uuid[], $2::text[], $3::boolean[]) AS f(id, error, permanent)
       WHERE o.id = f.id
       RETURNING o.id::text AS id, o.type, o.attempts, o.last_error, o.parked_at IS NOT NULL AS parked`,
      failures.map((failure) => failure.id),
      failures.map((failure) => failure.error),
      failures.map((failure) => failure.permanent),
      this.rowBackoffBaseMs,
      this.rowMaxBackoffMs,
      this.maxAttempts,
    );
    let parked = 0;
    for (const row of updated) {
      if (row.parked) {
        parked += 1;
        this.logger.error(
          { eventId: row.id, eventType: row.type, attempts: row.attempts, err: row.last_error },
          'outbox relay: event parked, it will not be published',
        );
      } else {
        this.logger.warn(
          { eventId: row.id, eventType: row.type, attempts: row.attempts, err: row.last_error },
          'outbox relay: event not published, will retry',
        );
      }
    }
    return parked;
  }

  private async claimableCount(): Promise<number> {
    const rows = await this.db.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM outbox_events WHERE ${claimable}`,
    );
    return rows[0]?.n ?? 0;
  }

  private async pruneIfDue(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPruneAt < pruneEveryMs) return;
    this.lastPruneAt = now;
    try {
      await this.prune();
    } catch (err) {
      this.logger.warn({ err: errorMessage(err) }, 'outbox relay: pruning failed');
    }
  }

  private async sampleIfDue(): Promise<void> {
    const metrics = this.metrics;
    const now = Date.now();
    if (!metrics || now - this.lastSampleAt < this.metricsIntervalMs) return;
    this.lastSampleAt = now;
    try {
      const rows = await this.db.$queryRawUnsafe<
        { unsent: number; parked: number; oldest_ms: number | null }[]
      >(
        `SELECT count(*) FILTER (WHERE parked_at IS NULL)::int AS unsent,
                count(*) FILTER (WHERE parked_at IS NOT NULL)::int AS parked,
                (extract(epoch FROM CURRENT_TIMESTAMP - min(created_at) FILTER (WHERE parked_at IS NULL)) * 1000)::float8 AS oldest_ms
         FROM outbox_events WHERE sent_at IS NULL`,
      );
      const row = rows[0];
      metrics.outboxBacklog({
        unsent: row?.unsent ?? 0,
        parked: row?.parked ?? 0,
        oldestUnsentAgeMs: Math.max(0, Math.round(row?.oldest_ms ?? 0)),
      });
    } catch (err) {
      this.logger.warn({ err: errorMessage(err) }, 'outbox relay: backlog sample failed');
    }
  }
}

/** The payload was validated by enqueueEvent; check it still looks like an envelope (else why not). */
function storedEnvelope(row: OutboxRow): EventEnvelope | string {
  let payload: unknown = row.payload;
  if (typeof payload === 'string') {
    try {
      payload = JSON.parse(payload);
    } catch {
      return 'payload is not JSON';
    }
  }
  if (
    typeof payload !== 'object' ||
    payload === null ||
    !('id' in payload) ||
    !('type' in payload) ||
    typeof payload.type !== 'string' ||
    payload.id !== row.id
  ) {
    return `outbox row ${row.id} does not hold an event envelope`;
  }
  return payload as EventEnvelope;
}
