import type { Logger } from '@jobber/service-kit';
import type { MailSettings } from './config.js';
import type { Mailer } from './mailer.js';
import type { NotificationsStore } from './store.js';

/** Mails claimed at once by one round. */
const BATCH = 20;

/** The wait before attempt `attempts + 1`: base doubled per attempt, capped, ±20 % jitter. */
export function retryDelayMs(attempts: number, baseMs: number, maxMs: number): number {
  const delay = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(delay * (0.8 + Math.random() * 0.4));
}

/**
 * The sender loop: claims due mails (`FOR UPDATE SKIP LOCKED` with a lease, so any number of
 * processes share the work), hands each to the mailer and marks it SENT, or schedules the next
 * attempt with back-off (FAILED after MAIL_MAX_ATTEMPTS). Woken after every consumer commit and
 * every MAIL_POLL_MS. A mail marked SENT is never claimed again; the one window for a second
 * send is a process that dies after the SMTP server took the message and before it was marked
 * (then the lease runs out and it goes again, with the same Message-ID).
 */
export class MailSender {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  /** The last send's error, until a send succeeds: what the `mail` readiness check reports. */
  private lastError: string | null = null;
  /** When mail was last pruned (0: not yet in this process). */
  private prunedAt = 0;

  constructor(
    private readonly store: NotificationsStore,
    private readonly mailer: Mailer,
    private readonly settings: MailSettings,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /**
   * Throws while the last send failed (SMTP down, refused …): the subgraph still serves and
   * keeps the mail, so the check is not critical; /readyz says `degraded` and the metric
   * `readiness_check_up{check="mail"}` is 0.
   */
  health(): void {
    if (this.lastError) throw new Error(`the last send failed: ${this.lastError}`);
  }

  /** Run a round soon (a consumer just committed mail). */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.mailer.close();
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.round(), delayMs);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    if (this.stopped || this.running) return;
    this.timer = null;
    this.running = (async () => {
      try {
        do {
          this.again = false;
          const sent = await this.sendDue();
          if (sent === BATCH) this.again = true;
        } while (this.again && !this.stopped);
        await this.pruneWhenDue();
      } catch (error) {
        this.logger.warn({ err: error }, 'mail sender: round failed; retrying at the next poll');
      }
    })();
    await this.running;
    this.running = null;
    if (!this.stopped) this.schedule(this.settings.pollMs);
  }

  /** Every MAIL_PRUNE_MS: sent and failed mail older than MAIL_RETENTION_DAYS goes. */
  private async pruneWhenDue(): Promise<void> {
    if (Date.now() - this.prunedAt < this.settings.pruneMs) return;
    this.prunedAt = Date.now();
    const before = new Date(Date.now() - this.settings.retentionMs);
    let pruned;
    do {
      pruned = await this.store.pruneMail(before, 1_000);
      if (pruned.mail + pruned.devMail > 0) {
        this.logger.debug(pruned, 'mail sender: pruned old mail');
      }
    } while (!this.stopped && (pruned.mail === 1_000 || pruned.devMail === 1_000));
  }

  /** One batch; how many were claimed. */
  private async sendDue(): Promise<number> {
    const { leaseMs, retryBaseMs, retryMaxMs, maxAttempts } = this.settings;
    const due = await this.store.claimMail(BATCH, leaseMs);
    for (const mail of due) {
      try {
        await this.mailer.send({ ...mail, messageId: `<${mail.id}@notifications.jobber>` });
        this.lastError = null;
        await this.store.markSent(mail.id);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.lastError = message.slice(0, 200);
        const retryAt =
          mail.attempts >= maxAttempts
            ? null
            : new Date(Date.now() + retryDelayMs(mail.attempts, retryBaseMs, retryMaxMs));
        await this.store.markFailed(mail.id, message.slice(0, 500), retryAt);
        this.logger.warn(
          { mailId: mail.id, attempts: mail.attempts, retryAt, err: message },
          retryAt ? 'mail sender: send failed; will retry' : 'mail sender: send failed; gave up',
        );
      }
    }
    return due.length;
  }
}
