import { randomUUID } from 'node:crypto';
import type { Logger } from '@jobber/service-kit';
import type { ChatTimers } from './config.js';
import type { ChatStore } from './store.js';

/**
 * Who is online, correct across any number of chat and gateway processes
 * (docs/2026-12-02-chat-and-presence.md): every chat process with subscriptions of a viewer has a row in
 * `presence_connections` that its chat process keeps alive by heartbeat (TTL). A user is online
 * while they have a live row. Every change of one user's rows runs under the lock of their
 * `presence` row, which also holds the state last announced, so `chat.presence.changed` goes
 * out exactly at the transitions (first connection: online; last one gone: offline).
 *
 * - a client or gateway disconnect ends its subscriptions here: `disconnect` at once;
 * - a gateway that dies without closing its socket: the kit's WebSocket keep-alive ends the
 *   socket after a missed pong, then the same;
 * - a chat process that dies: its rows stop being refreshed and lapse after the TTL; the sweep
 *   of any other chat process (or of this one after a restart) ends them.
 */
interface LocalUser {
  /** The user's row in `presence_connections` for this process. */
  rowId: string;
  subscriptions: number;
  /** Settles once the row is written (online announced if it was the first anywhere). */
  opened: Promise<boolean>;
}

/** Connections opened in one transaction at most (a burst beyond it takes several). */
const MAX_OPEN_BATCH = 500;

interface QueuedOpen {
  id: string;
  userId: string;
  resolve: (announced: boolean) => void;
  reject: (error: unknown) => void;
}

export class Presence {
  /** This process's id on its rows. */
  readonly processId = randomUUID();
  /**
   * The users with subscriptions here: one row per user and process, however many subscriptions
   * (a thousand tabs of one user cost one row and one transaction, not a thousand).
   */
  private readonly local = new Map<string, LocalUser>();
  /** Subscription handles → their user. */
  private readonly handles = new Map<string, string>();
  private readonly pending = new Set<Promise<unknown>>();
  private heartbeatTimer: NodeJS.Timeout | null = null;
  /** Opens waiting for the next batch, and the loop writing batches while there are any. */
  private readonly queuedOpens: QueuedOpen[] = [];
  private openingBatches: Promise<void> | null = null;

  constructor(
    private readonly store: ChatStore,
    private readonly timers: ChatTimers,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Users with a subscription in this process. */
  get size(): number {
    return this.local.size;
  }

  /** A subscription of `userId` opened here: returns its handle for `disconnect`. */
  async connect(userId: string): Promise<string> {
    let user = this.local.get(userId);
    if (!user) {
      const rowId = randomUUID();
      const opened = this.track(this.open(rowId, userId));
      user = { rowId, subscriptions: 0, opened };
      this.local.set(userId, user);
      // A failed open: the next subscription of the user tries again.
      opened.catch(() => {
        if (this.local.get(userId) === user) this.local.delete(userId);
      });
    }
    user.subscriptions += 1;
    try {
      await user.opened;
    } catch (error) {
      user.subscriptions -= 1;
      throw error;
    }
    const handle = randomUUID();
    this.handles.set(handle, userId);
    return handle;
  }

  /** The subscription ended. Never throws (a failure is logged; the row lapses by TTL). */
  async disconnect(handle: string): Promise<void> {
    const userId = this.handles.get(handle);
    if (!userId) return;
    this.handles.delete(handle);
    const user = this.local.get(userId);
    if (!user) return;
    user.subscriptions -= 1;
    if (user.subscriptions > 0) return;
    this.local.delete(userId);
    try {
      await this.track(this.close(userId, user.rowId));
    } catch (error) {
      this.logger.warn(
        { err: error, userId },
        'presence: disconnect failed; the row lapses by TTL',
      );
    }
  }

  /** Starts the heartbeat. */
  start(): void {
    this.heartbeatTimer ??= setInterval(() => void this.heartbeat(), this.timers.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  /** Stops beating and waits for changes in flight; open connections lapse or were closed. */
  async stop(): Promise<void> {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    await Promise.allSettled([...this.pending]);
  }

  /**
   * Keeps this process's rows alive. Rows another process swept meanwhile (this one could not
   * beat in time: a database outage) are put back, announcing the user online again.
   */
  async heartbeat(): Promise<void> {
    try {
      const expiresAt = this.expiry();
      const refreshed = await this.store.refreshConnections(this.processId, expiresAt);
      if (refreshed < this.local.size) {
        const reopened = [...this.local].map(([userId, user]) => this.open(user.rowId, userId));
        await this.track(Promise.all(reopened));
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'presence: heartbeat failed');
    }
  }

  /** Ends lapsed connections (a stopped process's), announcing who went offline. */
  async sweep(limit = 100): Promise<number> {
    const now = this.now();
    const users = await this.store.usersWithLapsedConnections(now, limit);
    let offline = 0;
    for (const userId of users) {
      const changed = await this.track(this.close(userId, null));
      if (changed) offline += 1;
    }
    return offline;
  }

  /**
   * Opens connection `id` of `userId` in the next batch: every open queued while a batch is
   * being written goes into the following one, so a burst of subscribes (a thousand clients
   * connecting, or a gateway re-subscribing its streams after a chat restart) costs a few
   * transactions, not one each. Resolves with whether this open announced the user online.
   */
  private open(id: string, userId: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queuedOpens.push({ id, userId, resolve, reject });
      this.openingBatches ??= this.openQueued();
    });
  }

  private async openQueued(): Promise<void> {
    // The subscribes of this moment join the first batch (a burst arrives over a few ticks).
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queuedOpens.length > 0) {
      const batch = this.queuedOpens.splice(0, MAX_OPEN_BATCH);
      try {
        const announced = await this.openBatch(batch);
        for (const entry of batch) entry.resolve(announced.has(entry.id));
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.openingBatches = null;
  }

  /** One transaction: the batch's rows, and an online event for each user who was offline. */
  private openBatch(batch: readonly QueuedOpen[]): Promise<Set<string>> {
    return this.store.transaction(async (store) => {
      const now = this.now();
      const wentOnline = await store.openConnections(batch, this.processId, this.expiry(), now);
      const announced = new Set<string>();
      for (const user of wentOnline) {
        await store.enqueue('chat.presence.changed', {
          userId: user.userId,
          online: true,
          lastSeenAt: now.toISOString(),
          changedAt: now.toISOString(),
        });
        const first = batch.find((entry) => entry.userId === user.userId);
        if (first) announced.add(first.id);
      }
      return announced;
    });
  }

  /** Removes the connection (or only the lapsed ones); announces offline when none is left. */
  private close(userId: string, connectionId: string | null): Promise<boolean> {
    return this.store.transaction(async (store) => {
      const now = this.now();
      const presence = await store.lockPresence(userId);
      if (connectionId) await store.removeConnection(connectionId);
      await store.removeLapsedConnections(userId, now);
      if (!presence.online || (await store.liveConnections(userId, now)) > 0) return false;
      await store.setPresence({ userId, online: false, lastSeenAt: now });
      await store.enqueue('chat.presence.changed', {
        userId,
        online: false,
        lastSeenAt: now.toISOString(),
        changedAt: now.toISOString(),
      });
      return true;
    });
  }

  private expiry(): Date {
    return new Date(this.now().getTime() + this.timers.presenceTtlMs);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => undefined);
    return work;
  }
}
