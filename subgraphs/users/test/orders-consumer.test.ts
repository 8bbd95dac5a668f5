// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope, type EventEnvelope } from '@jobber/events';
import { eventually } from '@jobber/test-kit';
import { UsersKit, type TestAccount } from './users-kit.js';

type OrderEventType =
  | 'orders.order.placed'
  | 'orders.order.started'
  | 'orders.order.delivered'
  | 'orders.order.completed'
  | 'orders.order.cancelled';

describe('users.orders: orders.order.* → buyer purchases and seller stats', () => {
  let kit: UsersKit;
  let seller: TestAccount;
  let buyer: TestAccount;

  beforeAll(async () => {
    kit = await UsersKit.start();
    [seller, buyer] = (await kit.register(2)) as [TestAccount, TestAccount];
    await kit.becomeSeller(seller);
    await kit.waitForBuyer(buyer);
  });
  afterAll(async () => {
    await kit?.stop();
  });

  /** The events of one order's life up to `last`, versions 1, 2, … as orders numbers them. */
  function lifeOf(
    orderId: string,
    steps: OrderEventType[],
    earningsCents = 8_000,
  ): EventEnvelope[] {
    const status: Record<OrderEventType, string> = {
      'orders.order.placed': 'PLACED',
      'orders.order.started': 'IN_PROGRESS',
      'orders.order.delivered': 'DELIVERED',
      'orders.order.completed': 'COMPLETED',
      'orders.order.cancelled': 'CANCELLED',
    };
    const now = new Date().toISOString();
    return steps.map((type, index) => {
      const base = {
        orderId,
        orderNumber: 'FO-ABCDEFG',
        gigId: randomUUID(),
        gigTitle: 'A logo',
        buyerId: buyer.id,
        sellerId: seller.id,
        offerId: null,
        priceCents: 10_000,
        serviceFeeCents: 550,
        totalCents: 10_550,
        sellerEarningsCents: earningsCents,
        currency: 'USD',
        status: status[type],
        dueAt: now,
        placedAt: now,
        actorId: buyer.id,
        occurredAt: now,
      } as const;
      const extra = {
        'orders.order.placed': {},
        'orders.order.started': { revision: false },
        'orders.order.delivered': {
          deliveryId: randomUUID(),
          message: 'Here',
          attachmentUrl: null,
          deliveredAt: now,
        },
        'orders.order.completed': { completedAt: now },
        'orders.order.cancelled': { reason: 'No', refundCents: 10_550, cancelledAt: now },
      }[type];
      return createEnvelope(
        'orders',
        type,
        { ...base, ...extra } as never,
        new Date(),
        index + 2, // version 1 went to the unpaid order's creation in orders
      );
    });
  }

  const stats = async () => {
    const data = await kit.client.data<{
      seller: {
        stats: {
          ongoingJobs: number;
          completedJobs: number;
          cancelledJobs: number;
          totalEarningsCents: number;
        };
      } | null;
    }>(
      'query ($username: String!) { seller(username: $username) { stats { ongoingJobs completedJobs cancelledJobs totalEarningsCents } } }',
      { username: seller.username },
    );
    return data.seller?.stats;
  };

  const handled = (count: number) =>
    eventually(
      async () => {
        const { rows } = await kit.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM inbox_events WHERE consumer = 'users.orders'`,
        );
        return (rows[0]?.n ?? 0) >= count ? true : null;
      },
      { what: `${count} order events handled`, timeoutMs: 30_000 },
    );

  it('counts ongoing, completed and cancelled jobs and earnings once, however often or late events come', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const done = lifeOf(a, [
      'orders.order.placed',
      'orders.order.started',
      'orders.order.delivered',
      'orders.order.completed',
    ]);
    const dropped = lifeOf(b, ['orders.order.placed', 'orders.order.cancelled']);
    const open = lifeOf(c, ['orders.order.placed', 'orders.order.started']);
    const all = [...done, ...dropped, ...open];
    // Every event twice, and the second round backwards (older versions after newer ones).
    await kit.publisher.publish(all);
    await kit.publisher.publish([...all].reverse());
    await handled(all.length);
    await eventually(
      async () => {
        const now = await stats();
        return now?.completedJobs === 1 && now.cancelledJobs === 1 && now.ongoingJobs === 1
          ? now
          : null;
      },
      { what: 'the three orders counted' },
    );
    expect(await stats()).toEqual({
      ongoingJobs: 1,
      completedJobs: 1,
      cancelledJobs: 1,
      totalEarningsCents: 8_000,
    });
    expect((await kit.buyerProfile(buyer.id))?.purchasedGigsCount).toBe(2);
  });

  it('serves earnings beyond 32 bits (SafeInt)', async () => {
    // 30 completed orders of 80,000,000 cents each: 2,400,000,000 > 2^31 − 1.
    const events = Array.from({ length: 30 }, () =>
      lifeOf(randomUUID(), ['orders.order.completed'], 80_000_000),
    ).flat();
    await kit.publisher.publish(events);
    await eventually(async () => ((await stats())?.completedJobs === 31 ? true : null), {
      what: '30 more completed orders',
      timeoutMs: 30_000,
    });
    expect((await stats())?.totalEarningsCents).toBe(2_400_008_000);
  });
});
