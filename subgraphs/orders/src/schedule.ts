import type { Logger } from '@jobber/service-kit';
import type { Orders } from './orders.js';
import type { JobKind, OrdersStore } from './store.js';

/** A job that failed is tried again after this long (times the attempts, at most an hour). */
const RETRY_MS = 30_000;

/**
 * The durable schedule of timed moves (auto-completion 3 days after a delivery, payment expiry,
 * the late notice at the due date, refunds): rows of `scheduled_jobs`, written in the same
 * transaction as the move that scheduled them. Every orders process polls it; each due job is
 * claimed with FOR UPDATE SKIP LOCKED and run in the claiming transaction, which also marks it
 * done: a job runs once however many processes poll, and a restart loses nothing.
 */
export class Schedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private again = false;

  constructor(
    private readonly store: OrdersStore,
    private readonly orders: Orders,
    private readonly everyMs: number,
    private readonly clock: () => Date,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.runDue(), this.everyMs);
    this.timer.unref();
  }

  /**
   * Runs every due job (tests call it directly); the number it ran. A call while a run is in
   * flight makes that run go round once more, so a job scheduled for now is never left waiting.
   */
  runDue(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let ran = 0;
      try {
        do {
          this.again = false;
          while (await this.runOne()) ran++;
        } while (this.again);
      } catch (error) {
        this.logger.warn({ err: error }, 'orders: schedule run failed; trying again next time');
      } finally {
        this.running = null;
      }
      return ran;
    })();
    return this.running;
  }

  /** For `Orders.runSoon`: a job just scheduled for now runs without waiting for the poll. */
  async runSoon(_kind: JobKind, _orderId: string): Promise<void> {
    void this.runDue();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Claims and runs one due job; false when none is due. */
  private async runOne(): Promise<boolean> {
    let claimed: { id: string; attempts: number } | null = null;
    try {
      return await this.store.transaction(async (store) => {
        const now = this.clock();
        const job = await store.claimDueJob(now);
        if (!job) return false;
        claimed = job;
        await this.orders.runJob(store, job.kind, job.orderId, now);
        await store.finishJob(job.id, now);
        return true;
      });
    } catch (error) {
      const job = claimed as { id: string; attempts: number } | null;
      if (!job) throw error;
      const delay = Math.min(RETRY_MS * (job.attempts + 1), 3_600_000);
      this.logger.warn(
        { err: error, jobId: job.id },
        'orders: scheduled job failed; retrying later',
      );
      await this.store.failJob(
        job.id,
        error instanceof Error ? error.message : String(error),
        new Date(this.clock().getTime() + delay),
      );
      return true;
    }
  }
}
