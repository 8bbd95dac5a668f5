import { describe, expect, it } from 'vitest';
import { AppError, LiveStream } from '../src/index.js';

type Tick = { n: number };

/** A hub of one listener at a time, as chat's and notifications' hubs hand events out. */
function hub() {
  let listener: ((event: Tick) => void) | null = null;
  return {
    listen(push: (event: Tick) => void) {
      listener = push;
      return () => (listener = null);
    },
    deliver(n: number) {
      listener?.({ n });
    },
    get listening() {
      return listener !== null;
    },
  };
}

describe('LiveStream', () => {
  it('hands events over in order, skipping the ones select declines', async () => {
    const events = hub();
    const stream = new LiveStream<Tick, number>({
      listen: (push) => events.listen(push),
      // Later events are selected faster: order must not depend on it.
      select: async ({ n }) => {
        await new Promise((resolve) => setTimeout(resolve, 10 - n));
        return n % 2 === 0 ? null : n;
      },
    });
    for (let n = 1; n <= 7; n++) events.deliver(n);
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push((await stream.next()).value);
    expect(seen).toEqual([1, 3, 5, 7]);
  });

  it('ends a subscriber that falls too far behind with UNAVAILABLE, and stops listening', async () => {
    const events = hub();
    let closed = 0;
    const stream = new LiveStream<Tick, number>({
      listen: (push) => events.listen(push),
      select: async ({ n }) => n,
      onClose: async () => void closed++,
      maxQueued: 3,
    });
    for (let n = 1; n <= 4; n++) events.deliver(n);
    const error = await stream.next().then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('UNAVAILABLE');
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(events.listening).toBe(false);
    expect(closed).toBe(1);
  });

  it('ends a waiting next() on return(), and closes once', async () => {
    const events = hub();
    let closed = 0;
    const stream = new LiveStream<Tick, number>({
      listen: (push) => events.listen(push),
      select: async ({ n }) => n,
      onClose: async () => void closed++,
    });
    const waiting = stream.next();
    await stream.return();
    await stream.return();
    expect(await waiting).toEqual({ done: true, value: undefined });
    events.deliver(1);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(closed).toBe(1);
  });

  it('ends with the error select throws, and closes', async () => {
    const events = hub();
    let closed = 0;
    const stream = new LiveStream<Tick, number>({
      listen: (push) => events.listen(push),
      select: async () => {
        throw new Error('the database went away');
      },
      onClose: async () => void closed++,
    });
    events.deliver(1);
    await expect(stream.next()).rejects.toThrow('the database went away');
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(closed).toBe(1);
  });
});
