import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousClient, createLogger, type Caller } from '@jobber/service-kit';
import { createTestDatabase, type TestDatabase } from '@jobber/test-kit';
import { Orders } from '../src/orders.js';
import { SandboxPaymentProvider } from '../src/payments.js';
import { Schedule } from '../src/schedule.js';
import { OrdersStore, createPrisma, type OrdersPrisma } from '../src/store.js';
import { DAY_MS, TestClock } from './orders-kit.js';

// The schedule's rules on the real store, with the test's clock and no timers: runs called at
// the same moment in several "processes" (each its own store, rules and schedule on one
// database) run each due job once, and a process started later runs what was scheduled before.

let database: TestDatabase;
const prismas: OrdersPrisma[] = [];
const clock = new TestClock();
const logger = createLogger({ service: 'orders-test', level: 'silent' });

/** One orders process's rules and schedule on the shared database. */
function process() {
  const prisma = createPrisma({ url: database.url, poolSize: 6 });
  prismas.push(prisma);
  const store = new OrdersStore({ prisma, name: 'orders', relay: { nudge: () => undefined } });
  const orders = new Orders(store, new SandboxPaymentProvider(), {
    clock: clock.now,
    paymentExpiryMs: 60 * 60 * 1000,
  });
  return { store, orders, schedule: new Schedule(store, orders, 60_000, clock.now, logger) };
}

const as = (id: string): Caller => ({ viewer: { id, roles: ['USER'] }, client: anonymousClient });

async function count(type: string, orderId?: string): Promise<number> {
  const prisma = prismas[0];
  if (!prisma) throw new Error('no process yet');
  const [row] = await prisma.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM outbox_events WHERE type = $1
       AND ($2::text IS NULL OR payload->'data'->>'orderId' = $2)`,
    type,
    orderId ?? null,
  );
  return row?.n ?? 0;
}

beforeAll(async () => {
  database = await createTestDatabase('orders');
});
afterAll(async () => {
  for (const prisma of prismas) await prisma.$disconnect();
  await database?.drop();
});

describe('the schedule across processes', () => {
  it('completes each of 10 delivered orders once when three processes run at the same moment', async () => {
    const [a, b, c] = [process(), process(), process()];
    const seller = randomUUID();
    const buyer = randomUUID();
    const gigId = randomUUID();
    await a.store.putGig({
      id: gigId,
      sellerId: seller,
      title: 'A logo',
      priceCents: 10_000,
      currency: 'USD',
      deliveryDays: 3,
      active: true,
      updatedAt: clock.now(),
    });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const { order } = await a.orders.placeOrder({ gigId, requirements: 'x' }, as(buyer));
      await a.orders.confirmPayment(
        { orderId: order.id, cardNumber: '4242424242424242' },
        as(buyer),
      );
      await a.orders.start(order.id, as(seller));
      await a.orders.deliver({ orderId: order.id, message: 'Done' }, as(seller));
      ids.push(order.id);
    }
    // Not due yet: nothing runs.
    clock.advance(3 * DAY_MS - 60_000);
    expect(await Promise.all([a, b, c].map((p) => p.schedule.runDue()))).toEqual([0, 0, 0]);
    clock.advance(2 * 60_000);
    const ran = await Promise.all([a, b, c].map((p) => p.schedule.runDue()));
    // 20 due jobs (each order's auto-completion and its late notice, moot once delivered), each
    // run by exactly one of the three: a job run twice would make the sum larger.
    expect(ran.reduce((sum, n) => sum + n, 0)).toBe(20);
    for (const id of ids) expect(await count('orders.order.completed', id)).toBe(1);
    const [order] = await a.store.ordersByIds(ids.slice(0, 1));
    expect(order?.status).toBe('COMPLETED');
  });

  it('runs, in a process started later, a job scheduled before it (the schedule is in the database)', async () => {
    const first = process();
    const buyer = randomUUID();
    const gigId = randomUUID();
    await first.store.putGig({
      id: gigId,
      sellerId: randomUUID(),
      title: 'A logo',
      priceCents: 10_000,
      currency: 'USD',
      deliveryDays: 3,
      active: true,
      updatedAt: clock.now(),
    });
    const { order } = await first.orders.placeOrder({ gigId, requirements: 'x' }, as(buyer));
    // The first process goes away without running anything; an hour later another one starts.
    await first.schedule.stop();
    clock.advance(60 * 60 * 1000 + 1);
    const later = process();
    expect(await later.schedule.runDue()).toBe(1);
    const [expired] = await later.store.ordersByIds([order.id]);
    expect(expired?.status).toBe('CANCELLED');
    expect(await later.schedule.runDue()).toBe(0);
  });
});
