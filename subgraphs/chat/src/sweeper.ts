import type { Logger } from '@jobber/service-kit';
import type { Conversations } from './conversations.js';
import type { Presence } from './presence.js';

/**
 * The periodic work of every chat process: end presence that lapsed (a stopped process's
 * connections) and write EXPIRED on offers past their 7 days, announcing each change. Safe in
 * any number of processes at once: each change is decided under a row lock (presence) or
 * claimed with SKIP LOCKED (offers).
 */
export class Sweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly presence: Presence,
    private readonly conversations: Conversations,
    private readonly everyMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.runOnce(), this.everyMs);
    this.timer.unref();
  }

  /** One sweep (tests call it directly); concurrent calls share the sweep in flight. */
  runOnce(): Promise<void> {
    this.running ??= (async () => {
      try {
        await this.presence.sweep();
        while ((await this.conversations.expireOffers()) > 0);
      } catch (error) {
        this.logger.warn({ err: error }, 'chat: sweep failed; trying again next time');
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
