import { createBroadcastConsumer, type EventEnvelope, type EventTransport } from '@jobber/events';
import { errors, requireViewer, type Caller, type Logger } from '@jobber/service-kit';
import { isNotificationKind } from './kinds.js';
import type { NotificationRecord } from './records.js';

/** The topology list's broadcast consumer: every notifications process gets every new notification. */
export const LIVE_CONSUMER = 'notifications.live';
const LIVE_TYPE = 'notifications.notification.created';

type LiveEvent = EventEnvelope<typeof LIVE_TYPE>;

/** Notifications a subscriber has not taken yet, at most; beyond it the subscription ends. */
export const MAX_QUEUED = 1_000;

/** This process's `notificationAdded` subscribers, by user. */
export class LiveHub {
  private readonly listeners = new Map<string, Set<(record: NotificationRecord) => void>>();

  listen(userId: string, listener: (record: NotificationRecord) => void): () => void {
    let mine = this.listeners.get(userId);
    if (!mine) {
      mine = new Set();
      this.listeners.set(userId, mine);
    }
    mine.add(listener);
    return () => {
      mine.delete(listener);
      if (mine.size === 0) this.listeners.delete(userId);
    };
  }

  deliver(event: LiveEvent): void {
    const { data } = event;
    if (!isNotificationKind(data.kind)) return;
    const record: NotificationRecord = {
      id: data.notificationId,
      userId: data.userId,
      kind: data.kind,
      title: data.title,
      body: data.body,
      link: data.link,
      readAt: null,
      createdAt: new Date(data.createdAt),
    };
    for (const listener of this.listeners.get(data.userId) ?? []) listener(record);
  }

  /** The viewer's stream of new notifications (UNAUTHENTICATED without a viewer). */
  subscribe(caller: Caller): AsyncIterableIterator<{ notificationAdded: NotificationRecord }> {
    const viewer = requireViewer(caller);
    const queue: NotificationRecord[] = [];
    let waiting: ((value: NotificationRecord | null) => void) | null = null;
    let closed = false;
    let failure: Error | null = null;
    const close = () => {
      closed = true;
      unlisten();
      const wake = waiting;
      waiting = null;
      wake?.(null);
    };
    const unlisten = this.listen(viewer.id, (record) => {
      if (waiting) {
        const wake = waiting;
        waiting = null;
        wake(record);
      } else if (queue.length >= MAX_QUEUED) {
        failure = errors.unavailable('The subscription fell too far behind; subscribe again.');
        close();
      } else {
        queue.push(record);
      }
    });
    const stream: AsyncIterableIterator<{ notificationAdded: NotificationRecord }> = {
      async next() {
        if (failure) {
          const error = failure;
          failure = null;
          throw error;
        }
        if (closed && queue.length === 0) return { done: true, value: undefined };
        const record =
          queue.shift() ?? (await new Promise<NotificationRecord | null>((r) => (waiting = r)));
        if (!record) return { done: true, value: undefined };
        return { done: false, value: { notificationAdded: record } };
      },
      async return() {
        close();
        return { done: true, value: undefined };
      },
      async throw(error?: unknown) {
        close();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return stream;
      },
    };
    return stream;
  }
}

/**
 * `notifications.live`: this process's own broadcast queue (at most once, no inbox: every
 * process must see every notification). Lost while the broker is away: clients catch up with
 * `notifications(unreadOnly: true)` after reconnecting.
 */
export function createLiveConsumer(options: {
  transport: EventTransport;
  hub: LiveHub;
  logger: Logger;
}) {
  return createBroadcastConsumer({
    name: LIVE_CONSUMER,
    types: [LIVE_TYPE],
    transport: options.transport,
    logger: options.logger,
    deliver: (event) => options.hub.deliver(event),
  });
}
