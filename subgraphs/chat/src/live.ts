import {
  createBroadcastConsumer,
  type EventEnvelope,
  type EventTransport,
  type ListedTypes,
} from '@jobber/events';
import type { Logger } from '@jobber/service-kit';

/** The topology list's broadcast consumer: every chat process gets every live event. */
export const LIVE_CONSUMER = 'chat.live';

export const liveTypes = [
  'chat.message.sent',
  'chat.offer.sent',
  'chat.offer.updated',
  'chat.conversation.read',
  'chat.typing.started',
  'chat.presence.changed',
] as const satisfies readonly ListedTypes<typeof LIVE_CONSUMER>[];

export type LiveType = (typeof liveTypes)[number];
export type LiveEvent = { [T in LiveType]: EventEnvelope<T> }[LiveType];

/** `typing` events as the schema's TypingEvent sees them. */
export interface TypingSignal {
  conversationId: string;
  userId: string;
  startedAt: Date;
}

/** `presenceChanged` events as the schema's PresenceEvent sees them. */
export interface PresenceSignal {
  userId: string;
  online: boolean;
  lastSeenAt: Date | null;
  changedAt: Date;
}

type Listener = (event: LiveEvent) => void;

/**
 * This process's subscribers of live events: the broadcast consumer hands every event here.
 * Every subscription belongs to one viewer, and every live event but a presence change names the
 * conversation's two participants, so an event goes to its participants' subscriptions only (at
 * 5,000 open subscriptions, handing each event to all of them to filter was most of chat's work
 * per message). Presence changes go to the subscriptions that asked for them (`presenceChanged`,
 * which knows the viewer's partners).
 */
export class LiveHub {
  private readonly byViewer = new Map<string, Set<Listener>>();
  private readonly presence = new Set<Listener>();
  private count = 0;

  /** `listener` gets the events `viewerId` takes part in, and presence changes with `presence`. */
  listen(viewerId: string, listener: Listener, { presence = false } = {}): () => void {
    let own = this.byViewer.get(viewerId);
    if (!own) {
      own = new Set();
      this.byViewer.set(viewerId, own);
    }
    own.add(listener);
    if (presence) this.presence.add(listener);
    this.count += 1;
    return () => {
      if (!own.delete(listener)) return;
      this.count -= 1;
      if (own.size === 0 && this.byViewer.get(viewerId) === own) this.byViewer.delete(viewerId);
      this.presence.delete(listener);
    };
  }

  get subscribers(): number {
    return this.count;
  }

  deliver(event: LiveEvent): void {
    if (event.type === 'chat.presence.changed') {
      for (const listener of [...this.presence]) listener(event);
      return;
    }
    const [first, second] = event.data.participantIds;
    for (const id of first === second ? [first] : [first, second]) {
      const own = id === undefined ? undefined : this.byViewer.get(id);
      if (own) for (const listener of [...own]) listener(event);
    }
  }
}

/**
 * `chat.live`: this process's own broadcast queue of chat's live events (at most once, no
 * inbox: every process must see every event, so a shared inbox would hide them from all but
 * one). Lost while the broker is away: clients catch up with a query after reconnecting.
 */
export function createLiveConsumer(options: {
  transport: EventTransport;
  hub: LiveHub;
  logger: Logger;
}) {
  return createBroadcastConsumer({
    name: LIVE_CONSUMER,
    types: liveTypes,
    transport: options.transport,
    logger: options.logger,
    deliver: (event) => options.hub.deliver(event as LiveEvent),
  });
}
