import { createBroadcastConsumer, type EventEnvelope, type EventTransport } from '@jobber/events';
import { LiveStream, requireViewer, type Caller, type Logger } from '@jobber/service-kit';
import { isNotificationKind } from './kinds.js';
import type { NotificationRecord } from './records.js';

/** The topology list's broadcast consumer: every notifications process gets every new notification. */
export const LIVE_CONSUMER = 'notifications.live';
const LIVE_TYPE = 'notifications.notification.created';

type LiveEvent = EventEnvelope<typeof LIVE_TYPE>;

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
  subscribe(
    caller: Caller,
  ): LiveStream<NotificationRecord, { notificationAdded: NotificationRecord }> {
    const viewer = requireViewer(caller);
    return new LiveStream({
      listen: (push) => this.listen(viewer.id, push),
      select: async (record) => ({ notificationAdded: record }),
    });
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
