// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedMail } from '@jobber/test-kit';
import {
  NotificationsKit,
  only,
  PUBLIC_URL,
  orderSnapshot,
  type TestAccount,
} from './notifications-kit.js';

/** What each template's mail says first (its subject), per recipient. */
function subjects(mails: readonly ReceivedMail[]): string[] {
  return mails.map((mail) => mail.subject).sort();
}

describe('notifications: an order’s lifecycle by email (real SMTP, events published directly)', () => {
  let kit: NotificationsKit;
  let buyer: TestAccount;
  let seller: TestAccount;

  beforeAll(async () => {
    kit = await NotificationsKit.start();
    buyer = await kit.register();
    seller = await kit.register({ fullName: 'Grace Hopper' });
  });

  afterAll(async () => {
    await kit?.stop();
  });

  it('mails every step to the right people once each, also when every event is delivered twice', async () => {
    const order = orderSnapshot(buyer, seller);
    const extension = {
      extensionId: crypto.randomUUID(),
      orderId: order.orderId,
      orderNumber: order.orderNumber,
      gigTitle: order.gigTitle,
      buyerId: buyer.id,
      sellerId: seller.id,
      currentDueAt: order.dueAt,
      requestedDueAt: new Date(Date.now() + 8 * 86_400_000).toISOString(),
      reason: 'Two more colour variants.',
    };
    const at = new Date().toISOString();
    const events = [
      kit.envelope('orders', 'orders.order.placed', order),
      kit.envelope('orders', 'orders.order.started', {
        ...order,
        status: 'IN_PROGRESS',
        revision: false,
      }),
      kit.envelope('orders', 'orders.extension.requested', { ...extension, requestedAt: at }),
      kit.envelope('orders', 'orders.extension.decided', {
        ...extension,
        approved: true,
        decidedAt: at,
      }),
      kit.envelope('orders', 'orders.order.delivered', {
        ...order,
        status: 'DELIVERED',
        deliveryId: crypto.randomUUID(),
        message: 'Here are the files.',
        attachmentUrl: null,
        deliveredAt: at,
      }),
      kit.envelope('orders', 'orders.order.completed', {
        ...order,
        status: 'COMPLETED',
        completedAt: at,
      }),
    ];
    // Every event twice (a redelivery after a lost ack looks exactly like this).
    await kit.publish(...events, ...events);

    const n = order.orderNumber;
    const buyerMails = await kit.mail.waitFor(buyer.email, { count: 5 });
    const sellerMails = await kit.mail.waitFor(seller.email, { count: 3 });
    await kit.settled();
    expect(subjects(kit.mail.to(buyer.email))).toEqual(
      [
        `Your order ${n} is placed`,
        `Grace Hopper started work on order ${n}`,
        `Grace Hopper asks for more time on order ${n}`,
        `Order ${n} was delivered`,
        `Order ${n} is complete`,
      ].sort(),
    );
    expect(subjects(kit.mail.to(seller.email))).toEqual(
      [
        `New order ${n} from ${buyer.username}`,
        `Your extension on order ${n} was approved`,
        `Order ${n} is complete`,
      ].sort(),
    );
    expect(buyerMails).toHaveLength(5);
    expect(sellerMails).toHaveLength(3);

    // The receipt: the buyer's name, the order number, the amounts and the link, in both parts.
    const receipt = only(kit.mail.to(buyer.email), (mail) => mail.subject.includes('is placed'));
    const link = `${PUBLIC_URL}/orders/${order.orderId}`;
    for (const part of [receipt.html, receipt.text]) {
      for (const essential of [
        buyer.username,
        n,
        '$50.00',
        '$2.75',
        '$52.75',
        'Grace Hopper',
        link,
      ]) {
        expect(part).toContain(essential);
      }
    }
    expect(receipt.toName).toBe(buyer.username);
    const notice = only(kit.mail.to(seller.email), (mail) => mail.subject.startsWith('New order'));
    for (const part of [notice.html, notice.text]) {
      for (const essential of ['Grace Hopper', n, '$50.00', '$40.00', link]) {
        expect(part).toContain(essential);
      }
    }
    // Each mail once in the table too, and all sent.
    const { rows } = await kit.db.query<{ n: number; sent: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'SENT')::int AS sent FROM outgoing_mail
       WHERE event_id = ANY($1::uuid[])`,
      [events.map((event) => event.id)],
    );
    expect(rows[0]).toEqual({ n: 8, sent: 8 });
  });

  it('tells both sides of a cancellation, with the buyer’s refund', async () => {
    const order = orderSnapshot(buyer, seller);
    const cancelled = kit.envelope('orders', 'orders.order.cancelled', {
      ...order,
      status: 'CANCELLED',
      reason: 'Changed my mind.',
      refundCents: 5_275,
      cancelledAt: new Date().toISOString(),
    });
    await kit.publish(cancelled);
    const filter = (mail: ReceivedMail) =>
      mail.subject === `Order ${order.orderNumber} was cancelled`;
    const toBuyer = only(await kit.mail.waitFor(buyer.email, { filter }));
    const toSeller = only(await kit.mail.waitFor(seller.email, { filter }));
    expect(toBuyer.text).toContain('Refund: $52.75');
    expect(toBuyer.html).toContain('Changed my mind.');
    expect(toSeller.text).toContain('Price: $50.00');
    expect(toSeller.text).toContain('Hi Grace Hopper,');
  });

  it('retries an event whose recipient is not known yet, and mails it once they are', async () => {
    const lateId = crypto.randomUUID();
    const order = orderSnapshot({ id: lateId }, seller);
    await kit.publish(kit.envelope('orders', 'orders.order.placed', order));
    const late = await kit.register({ id: lateId });
    const filter = (mail: ReceivedMail) => mail.subject.includes(order.orderNumber);
    const receipt = only(await kit.mail.waitFor(late.email, { filter }));
    expect(receipt.text).toContain(`Hi ${late.username},`);
    await kit.mail.waitFor(seller.email, { filter });
    await kit.settled();
    expect(kit.mail.to(seller.email).filter(filter)).toHaveLength(1);
  });
});
