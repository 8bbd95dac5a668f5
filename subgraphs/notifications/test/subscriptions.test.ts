// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '@jobber/service-kit';
import { eventually } from '@jobber/test-kit';
import { parseNotificationsConfig, startNotificationsService } from '../src/index.js';
import {
  NotificationsKit,
  fastMail,
  orderSnapshot,
  type TestAccount,
} from './notifications-kit.js';

const ADDED = 'subscription { notificationAdded { id kind title body link readAt createdAt } }';

interface Stream {
  results: {
    data?: { notificationAdded?: { kind: string; title: string } } | null;
    errors?: { extensions?: { code?: string } }[];
  }[];
  ended: Promise<void>;
  stop: () => void;
}

function subscribe(socket: Client, query = ADDED): Stream {
  const results: Stream['results'] = [];
  let stop = () => {};
  const ended = new Promise<void>((resolve) => {
    stop = socket.subscribe(
      { query },
      {
        next: (result) => void results.push(result as Stream['results'][number]),
        error: () => resolve(),
        complete: () => resolve(),
      },
    );
  });
  return { results, ended, stop: () => stop() };
}

describe('notifications: notificationAdded through the gateway', () => {
  let kit: NotificationsKit;
  let buyer: TestAccount;
  let seller: TestAccount;
  let other: RunningService;

  beforeAll(async () => {
    kit = await NotificationsKit.start();
    buyer = await kit.register();
    seller = await kit.register({ fullName: 'Grace Hopper' });
    // A second notifications process on the same database and exchange (its own broadcast queue).
    other = await startNotificationsService(
      parseNotificationsConfig({ ...kit.supergraph.envFor('notifications'), ...fastMail }),
    );
  });

  afterAll(async () => {
    await other?.stop(1_000);
    await kit?.stop();
  });

  it('refuses an anonymous subscriber', async () => {
    const stream = subscribe(kit.socket(null));
    await stream.ended;
    expect(stream.results.flatMap((r) => r.errors ?? []).map((e) => e.extensions?.code)).toEqual([
      'UNAUTHENTICATED',
    ]);
  });

  it('gives each viewer only their own, through either gateway and either process', async () => {
    const buyerStream = subscribe(kit.socket(buyer));
    const sellerStream = subscribe(kit.socket(seller));
    // The second gateway reaches only the second notifications process.
    const gateway = await kit.supergraph.startAnotherGateway({ NOTIFICATIONS_URL: other.url });
    const viaOther = subscribe(kit.socket(buyer, gateway.url));
    // Subscriptions are open once an event published now reaches them: wait with a warm-up order.
    const orders: string[] = [];
    await eventually(
      async () => {
        const order = orderSnapshot(buyer, seller);
        orders.push(order.orderNumber);
        await kit.publish(kit.envelope('orders', 'orders.order.placed', order));
        return (
          buyerStream.results.length > 0 &&
          viaOther.results.length > 0 &&
          sellerStream.results.length > 0
        );
      },
      { timeoutMs: 20_000, intervalMs: 300, maxIntervalMs: 300, what: 'subscriptions open' },
    );
    const count = orders.length;
    await eventually(
      () =>
        buyerStream.results.length === count &&
        viaOther.results.length === count &&
        sellerStream.results.length === count,
      { what: `${count} notifications on every stream` },
    );
    const titles = (stream: Stream) =>
      stream.results.map((r) => r.data?.notificationAdded?.title).sort();
    expect(titles(buyerStream)).toEqual(orders.map((n) => `Order ${n} placed`).sort());
    expect(titles(viaOther)).toEqual(titles(buyerStream));
    expect(titles(sellerStream)).toEqual(orders.map((n) => `New order ${n}`).sort());
    expect(
      sellerStream.results.every((r) => r.data?.notificationAdded?.kind === 'ORDER_RECEIVED'),
    ).toBe(true);
    for (const stream of [buyerStream, sellerStream, viaOther]) stream.stop();
  });
});
