import { randomUUID } from 'node:crypto';
import type { Logger } from '@jobber/service-kit';
import type { ChatTimers } from './config.js';
import type { ChatStore } from './store.js';
import { WriteBatches } from './write-batches.js';

/**
 * Who is online, correct across any number of chat and gateway processes
 * (docs/2026-12-02-chat-and-presence.md): every chat process with subscriptions of a viewer has a row in
 * `presence_connections` that its chat process keeps alive by heartbeat (TTL). A user is online
 * while they have a live row. Every change of one user's rows runs under the lock of their
 * `presence` row, which also holds the state last announced, so `chat.presence.changed` goes
 * out exactly at the transitions (first connection: online; last one gone: offline). Changes
 * are written in batches (write-batches.ts), locking their users in id order: a burst of
 * subscribes or of ended streams is a few transactions, not one per user.
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

/** Connection changes in one transaction at most (a burst beyond it takes several). */
const MAX_BATCH = 500;

interface Opening {
  id: string;
  userId: string;
}

interface Closing {
  userId: string;
  /** The connection that ended, or null: only the user's lapsed ones (the sweep). */
  connectionId: string | null;
}

/**
 * Whether an entry of `batch` is the first of one of `users`: the change that made the user's
 * transition (online or offline) answers true, any other of theirs in the batch false.
 */
function firstOfEach<T extends { userId: string }>(
  batch: readonly T[],
  users: readonly string[],
): (entry: T) => boolean {
  const changed = new Set(users);
  const first = new Set<T>();
  for (const entry of batch) {
    if (changed.delete(entry.userId)) first.add(entry);
  }
  return (entry) => first.has(entry);
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
  /** Connection changes, written in batches (one transaction for a burst of them). */
  private readonly opens = new WriteBatches<Opening, boolean>(
    (batch) => this.openBatch(batch),
    MAX_BATCH,
  );
  private readonly closes = new WriteBatches<Closing, boolean>(
    (batch) => this.closeBatch(batch),
    MAX_BATCH,
  );

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
    const changed = await this.track(Promise.all(users.map((userId) => this.close(userId, null))));
    return changed.filter(Boolean).length;
  }

  /** Opens connection `id` of `userId`: whether this open announced the user online. */
  private open(id: string, userId: string): Promise<boolean> {
    return this.opens.add({ id, userId });
  }

  /** Removes the connection (or only the lapsed ones); announces offline when none is left. */
  private close(userId: string, connectionId: string | null): Promise<boolean> {
    return this.closes.add({ userId, connectionId });
  }

  /** One transaction: the batch's rows, and an online event for each user who was offline. */
  private openBatch(batch: readonly Opening[]): Promise<(item: Opening) => boolean> {
    return this.store.transaction(async (store) => {
      const now = this.now();
      const wentOnline = await store.openConnections(batch, this.processId, this.expiry(), now);
      const users = wentOnline.map((user) => user.userId);
      for (const userId of users) await this.announce(store, userId, true, now);
      return firstOfEach(batch, users);
    });
  }

  /** One transaction: the batch's connections gone, an offline event for each user left with none. */
  private closeBatch(batch: readonly Closing[]): Promise<(item: Closing) => boolean> {
    return this.store.transaction(async (store) => {
      const now = this.now();
      const ids = batch.flatMap((entry) => (entry.connectionId ? [entry.connectionId] : []));
      const wentOffline = await store.closeConnections(
        batch.map((entry) => entry.userId),
        ids,
        now,
      );
      for (const userId of wentOffline) await this.announce(store, userId, false, now);
      return firstOfEach(batch, wentOffline);
    });
  }

  private announce(store: ChatStore, userId: string, online: boolean, now: Date): Promise<void> {
    return store.enqueue('chat.presence.changed', {
      userId,
      online,
      lastSeenAt: now.toISOString(),
      changedAt: now.toISOString(),
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
