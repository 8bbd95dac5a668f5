import {
  createBroadcastConsumer,
  type EventEnvelope,
  type EventTransport,
  type ListedTypes,
} from '@jobber/events';
import { errors, type Logger } from '@jobber/service-kit';

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

/** Events a subscriber has not taken yet, at most; beyond it the subscription ends (UNAVAILABLE). */
export const MAX_QUEUED_EVENTS = 1_000;

/**
 * One subscription's stream: events queue (bounded) as the hub delivers them and are turned
 * into results one at a time, in order (`select` may read the database and returns null to
 * skip one: authorization runs there, for every event). `return()` — the client or the gateway
 * went away — ends it at once and runs `onClose`, even while a `next()` is waiting.
 */
export class LiveStream<T> implements AsyncIterableIterator<T> {
  private readonly queue: LiveEvent[] = [];
  private waiting: ((event: LiveEvent | null) => void) | null = null;
  private closed = false;
  private failure: Error | null = null;
  private readonly unlisten: () => void;

  constructor(
    hub: LiveHub,
    private readonly select: (event: LiveEvent) => Promise<T | null>,
    private readonly onClose: () => Promise<void>,
  ) {
    this.unlisten = hub.listen((event) => this.push(event));
  }

  private push(event: LiveEvent): void {
    if (this.closed) return;
    if (this.waiting) {
      const wake = this.waiting;
      this.waiting = null;
      wake(event);
      return;
    }
    if (this.queue.length >= MAX_QUEUED_EVENTS) {
      this.failure = errors.unavailable('The subscription fell too far behind; subscribe again.');
      void this.finish();
      return;
    }
    this.queue.push(event);
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.failure) {
        const failure = this.failure;
        this.failure = null;
        throw failure;
      }
      if (this.closed) return { done: true, value: undefined };
      const event =
        this.queue.shift() ??
        (await new Promise<LiveEvent | null>((resolve) => (this.waiting = resolve)));
      if (event === null) continue;
      let value: T | null;
      try {
        value = await this.select(event);
      } catch (error) {
        // The stream ends with the error: its presence connection must end with it.
        await this.finish();
        throw error;
      }
      if (value !== null && !this.closed) return { done: false, value };
    }
  }

  async return(): Promise<IteratorResult<T>> {
    await this.finish();
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<T>> {
    await this.finish();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private async finish(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.unlisten();
    const wake = this.waiting;
    this.waiting = null;
    wake?.(null);
    await this.onClose();
  }
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
