import { errors } from './errors.js';

/** Events a subscriber has not taken yet, at most; beyond it the subscription ends (UNAVAILABLE). */
export const MAX_QUEUED_EVENTS = 1_000;

export interface LiveStreamOptions<E extends object, T> {
  /** Starts handing this process's events to `push`; returns how to stop. */
  listen(push: (event: E) => void): () => void;
  /**
   * The subscriber's result for an event, or null to skip it. It may read the database:
   * authorization runs here, for every event. Events are selected one at a time, in order.
   */
  select(event: E): Promise<T | null>;
  /** Runs once when the stream ends, however it ends. */
  onClose?(): Promise<void>;
  /** At most this many events wait for the subscriber (default MAX_QUEUED_EVENTS). */
  maxQueued?: number;
}

/**
 * One subscription's stream of live events: events queue (bounded) as they are delivered and
 * are turned into results one at a time, in order. A subscriber that falls `maxQueued` events
 * behind gets UNAVAILABLE (subscribe again) instead of growing memory without bound.
 * `return()` — the client or the gateway went away — ends it at once and runs `onClose`, even
 * while a `next()` is waiting.
 */
export class LiveStream<E extends object, T> implements AsyncIterableIterator<T> {
  private readonly queue: E[] = [];
  private waiting: ((event: E | null) => void) | null = null;
  private closed = false;
  private failure: Error | null = null;
  private readonly unlisten: () => void;
  private readonly maxQueued: number;

  constructor(private readonly options: LiveStreamOptions<E, T>) {
    this.maxQueued = options.maxQueued ?? MAX_QUEUED_EVENTS;
    this.unlisten = options.listen((event) => this.push(event));
  }

  private push(event: E): void {
    if (this.closed) return;
    if (this.waiting) {
      const wake = this.waiting;
      this.waiting = null;
      wake(event);
      return;
    }
    if (this.queue.length >= this.maxQueued) {
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
        this.queue.shift() ?? (await new Promise<E | null>((resolve) => (this.waiting = resolve)));
      if (event === null) continue;
      let value: T | null;
      try {
        value = await this.options.select(event);
      } catch (error) {
        // The stream ends with the error (and whatever onClose releases with it).
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
    await this.options.onClose?.();
  }
}
