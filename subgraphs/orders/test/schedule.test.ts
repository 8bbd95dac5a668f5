import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@jobber/test-kit';
import { ORDER, OrdersKit, DAY_MS, type OrderJson, type TestUser } from './orders-kit.js';

// The durable schedule with the test's clock (moved, never slept on): two orders processes
// poll the same table every 50 ms, and each due job runs once.

let kit: OrdersKit;
beforeAll(async () => {
  kit = await OrdersKit.start({ ORDERS_SCHEDULE_MS: '50', ORDERS_PAYMENT_EXPIRY_MS: '3600000' });
  await kit.startAnotherOrders({ ORDERS_SCHEDULE_MS: '50' });
});
afterAll(async () => {
  await kit?.stop();
});

async function statusOf(user: TestUser, id: string): Promise<OrderJson> {
  return (await user.client.data<{ order: OrderJson }>(ORDER, { id })).order;
}

describe('the schedule', () => {
  it('completes delivered orders 3 days after delivery, once each across two processes', async () => {
    const parties = await kit.sellerAndBuyer();
    const delivered = [];
    for (let i = 0; i < 8; i++) delivered.push((await kit.orderIn('DELIVERED', parties)).order);
    const waiting = (await kit.orderIn('PENDING_PAYMENT', parties)).order;

    // Two days on: the unpaid order (1 h) expires, the delivered ones are not due yet. The
    // schedule runs due jobs oldest first, so once the expiry ran nothing older is waiting.
    kit.clock.advance(2 * DAY_MS);
    await eventually(async () =>
      (await statusOf(parties.buyer, waiting.id)).status === 'CANCELLED' ? true : null,
    );
    const expired = await statusOf(parties.buyer, waiting.id);
    expect(expired.timeline.map((entry) => entry.what)).toEqual(['CREATED', 'PAYMENT_EXPIRED']);
    for (const order of delivered) {
      expect((await statusOf(parties.buyer, order.id)).status).toBe('DELIVERED');
    }

    kit.clock.advance(DAY_MS + 60_000);
    for (const order of delivered) {
      await eventually(async () =>
        (await statusOf(parties.buyer, order.id)).status === 'COMPLETED' ? true : null,
      );
      const completed = await kit.published('orders.order.completed', order.id);
      expect(completed).toHaveLength(1);
      expect(completed[0]).toMatchObject({ actorId: null, status: 'COMPLETED' });
      const done = await statusOf(parties.buyer, order.id);
      expect(done.timeline.filter((entry) => entry.what === 'AUTO_COMPLETED')).toEqual([
        { what: 'AUTO_COMPLETED', actor: null, detail: null, at: expect.any(String) },
      ]);
    }
    // Nothing left due, nothing run twice.
    const { rows } = await kit.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM scheduled_jobs WHERE done_at IS NULL AND run_at <= $1`,
      [kit.clock.now()],
    );
    expect(rows[0]?.n).toBe(0);
    expect((await kit.published('orders.order.completed')).length).toBe(delivered.length);
  });

  it('does not complete an order whose delivery was sent back for a revision', async () => {
    const { buyer, order } = await kit.orderIn('DELIVERED');
    await buyer.client.data(
      `mutation ($orderId: ID!) { requestRevision(orderId: $orderId, reason: "Bigger") { id } }`,
      { orderId: order.id },
    );
    const probe = (await kit.orderIn('PENDING_PAYMENT')).order;
    kit.clock.advance(3 * DAY_MS + 60_000);
    await eventually(async () =>
      (await statusOf(buyer, order.id)).timeline.some((entry) => entry.what === 'LATE')
        ? true
        : null,
    );
    // The expiry of an order placed after it ran too, so its auto-completion was not skipped by
    // chance of timing: it was unscheduled.
    await eventually(async () => {
      const { rows } = await kit.db.query(`SELECT status FROM orders WHERE id = $1`, [probe.id]);
      return rows[0]?.status === 'CANCELLED' ? true : null;
    });
    expect((await statusOf(buyer, order.id)).status).toBe('IN_PROGRESS');
  });

  it('notes a late order once when its due date passes, and not before an extension’s', async () => {
    const { buyer, seller, order } = await kit.orderIn('IN_PROGRESS');
    await seller.client.data(
      `mutation ($orderId: ID!) { requestExtension(orderId: $orderId, days: 5, reason: "Fur") { id } }`,
      { orderId: order.id },
    );
    await buyer.client.data(
      `mutation ($orderId: ID!) { respondToExtension(orderId: $orderId, approve: true) { id } }`,
      { orderId: order.id },
    );
    // Past the first due date (3 days) but not the new one (8 days).
    kit.clock.advance(4 * DAY_MS);
    const probe = (await kit.orderIn('PENDING_PAYMENT')).order;
    kit.clock.advance(2 * 60 * 60 * 1000);
    await eventually(async () => {
      const { rows } = await kit.db.query(`SELECT status FROM orders WHERE id = $1`, [probe.id]);
      return rows[0]?.status === 'CANCELLED' ? true : null;
    });
    expect((await statusOf(buyer, order.id)).timeline.map((e) => e.what)).not.toContain('LATE');
    kit.clock.advance(5 * DAY_MS);
    await eventually(async () =>
      (await statusOf(buyer, order.id)).timeline.some((entry) => entry.what === 'LATE')
        ? true
        : null,
    );
    const late = (await statusOf(buyer, order.id)).timeline.filter((e) => e.what === 'LATE');
    expect(late).toHaveLength(1);
  });
});
