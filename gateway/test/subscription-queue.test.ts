import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { screenOperation } from '../src/limits.js';
import { defaultOperationLimits as limits } from '../src/operation-limits.js';
import { SubscriberQueue } from '../src/subscription-queue.js';

describe('a subscriber queue', () => {
  it('hands results over in order, and ends after the ones already queued', async () => {
    let ended = 0;
    const queue = new SubscriberQueue(
      10,
      () => {},
      () => (ended += 1),
    );
    queue.push({ data: { n: 1 } });
    queue.push({ data: { n: 2 } });
    queue.end();
    queue.end();
    const got = [];
    for await (const result of queue) got.push(result.data);
    expect(got).toEqual([{ n: 1 }, { n: 2 }]);
    expect(ended).toBe(1);
  });

  it('gives up on a subscriber further behind than its bound', async () => {
    let overflowed = 0;
    const queue = new SubscriberQueue(
      2,
      () => (overflowed += 1),
      () => {},
    );
    for (let n = 0; n < 5; n += 1) queue.push({ data: { n } });
    expect(overflowed).toBe(1);
    expect(await queue.next()).toEqual({ value: undefined, done: true });
  });
});

describe('the operation limits over WebSocket', () => {
  const schema = buildSchema(`
    type Query { viewer: User }
    type Subscription { ticks: User }
    type User { id: ID! friend: User }
  `);
  it('admits subscriptions and refuses queries; HTTP the other way round', () => {
    const subscription = { query: 'subscription { ticks { id } }' };
    const query = { query: '{ viewer { id } }' };
    expect(screenOperation(subscription, schema, limits, 'websocket').refusal).toBeUndefined();
    expect(screenOperation(query, schema, limits, 'websocket').refusal?.extensions.code).toBe(
      'BAD_REQUEST',
    );
    expect(screenOperation(subscription, schema, limits).refusal?.extensions.code).toBe(
      'BAD_REQUEST',
    );
  });

  it('applies the depth limit to subscriptions', () => {
    const deep = `subscription { ticks { ${'friend { '.repeat(limits.depth + 1)}id${' }'.repeat(limits.depth + 1)} } }`;
    expect(
      screenOperation({ query: deep }, schema, limits, 'websocket').refusal?.extensions,
    ).toMatchObject({ code: 'BAD_REQUEST', limit: 'depth' });
  });
});
