import type { ExecutionResult } from 'graphql';

/**
 * One client subscription's results waiting for its socket: at most `max` of them. A client
 * that falls further behind is too slow to serve (`onOverflow` closes its socket, 1013).
 */
export class SubscriberQueue implements AsyncIterableIterator<ExecutionResult> {
  private readonly items: ExecutionResult[] = [];
  private waiting: ((result: IteratorResult<ExecutionResult>) => void) | undefined;
  private ended = false;

  constructor(
    private readonly max: number,
    private readonly onOverflow: () => void,
    /** Called once when the subscription ends, whoever ends it. */
    private readonly onEnd: () => void,
  ) {}

  push(result: ExecutionResult): void {
    if (this.ended) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: result, done: false });
      return;
    }
    if (this.items.length >= this.max) {
      this.onOverflow();
      this.finish();
      return;
    }
    this.items.push(result);
  }

  /** Ends after the results already queued (a final one with errors may be among them). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
    if (this.waiting && this.items.length === 0) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  get length(): number {
    return this.items.length;
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const item = this.items.shift();
    if (item) return Promise.resolve({ value: item, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.finish();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    this.items.length = 0;
    this.end();
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.({ value: undefined, done: true });
  }
}
