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

/** This process's subscribers of live events: the broadcast consumer hands every event here. */
export class LiveHub {
  private readonly listeners = new Set<(event: LiveEvent) => void>();

  listen(listener: (event: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  deliver(event: LiveEvent): void {
    for (const listener of this.listeners) listener(event);
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
