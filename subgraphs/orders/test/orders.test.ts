import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope } from '@jobber/events';
import { eventually } from '@jobber/test-kit';
import {
  ACCEPT,
  ACCEPT_OFFER,
  ANSWER_CANCEL,
  ANSWER_EXTENSION,
  ASK_CANCEL,
  ASK_EXTENSION,
  CANCEL,
  CARDS,
  DAY_MS,
  DELIVER,
  ORDER,
  OrdersKit,
  PAY,
  PLACE,
  REVISE,
  START,
  codes,
  type OrderJson,
  type TestUser,
} from './orders-kit.js';

// Every mutation through a real gateway: anonymous, a stranger, the wrong side, the right side,
// a move the state does not allow, and bad input; events read from the outbox.

let kit: OrdersKit;
beforeAll(async () => {
  kit = await OrdersKit.start();
});
afterAll(async () => {
  await kit?.stop();
});

type Side = 'buyer' | 'seller';
interface Case {
  name: string;
  query: string;
  /** The order's status when the move is allowed. */
  from: 'PENDING_PAYMENT' | 'PLACED' | 'IN_PROGRESS' | 'DELIVERED';
  side: Side;
  vars: Record<string, unknown>;
  to: string;
  /** A status the move is not allowed from. */
  refusedFrom: 'PLACED' | 'IN_PROGRESS' | 'DELIVERED' | 'COMPLETED' | 'CANCELLED';
  badInput?: Record<string, unknown>;
}

const cases: Case[] = [
  {
    name: 'confirmPayment',
    query: PAY,
    from: 'PENDING_PAYMENT',
    side: 'buyer',
    vars: { cardNumber: CARDS.ok },
    to: 'PLACED',
    refusedFrom: 'PLACED',
    badInput: { cardNumber: '1234' },
  },
  {
    name: 'startOrder',
    query: START,
    from: 'PLACED',
    side: 'seller',
    vars: {},
    to: 'IN_PROGRESS',
    refusedFrom: 'DELIVERED',
  },
  {
    name: 'deliverOrder',
    query: DELIVER,
    from: 'IN_PROGRESS',
    side: 'seller',
    vars: { message: 'Done', attachmentUrl: 'https://files.example.com/logo.zip' },
    to: 'DELIVERED',
    refusedFrom: 'PLACED',
    badInput: { message: ' ', attachmentUrl: 'ftp://x' },
  },
  {
    name: 'requestRevision',
    query: REVISE,
    from: 'DELIVERED',
    side: 'buyer',
    vars: { reason: 'Bigger fox' },
    to: 'IN_PROGRESS',
    refusedFrom: 'IN_PROGRESS',
    badInput: { reason: '' },
  },
  {
    name: 'acceptDelivery',
    query: ACCEPT,
    from: 'DELIVERED',
    side: 'buyer',
    vars: {},
    to: 'COMPLETED',
    refusedFrom: 'COMPLETED',
  },
  {
    name: 'cancelOrder',
    query: CANCEL,
    from: 'IN_PROGRESS',
    side: 'seller',
    vars: { reason: 'Ill' },
    to: 'CANCELLED',
    refusedFrom: 'DELIVERED',
    badInput: { reason: '   ' },
  },
  {
    name: 'requestCancellation',
    query: ASK_CANCEL,
    from: 'PLACED',
    side: 'buyer',
    vars: { reason: 'Changed my mind' },
    to: 'PLACED',
    refusedFrom: 'DELIVERED',
    badInput: { reason: 'x'.repeat(2_001) },
  },
  {
    name: 'requestExtension',
    query: ASK_EXTENSION,
    from: 'IN_PROGRESS',
    side: 'seller',
    vars: { days: 2, reason: 'More detail' },
    to: 'IN_PROGRESS',
    refusedFrom: 'COMPLETED',
    badInput: { days: 2, newDueAt: new Date().toISOString(), reason: 'Both' },
  },
];

const other = (side: Side): Side => (side === 'buyer' ? 'seller' : 'buyer');

describe.each(cases)('$name', (c) => {
  let parties: { seller: TestUser; buyer: TestUser; order: OrderJson };
  beforeAll(async () => {
    parties = await kit.orderIn(c.from);
  });

  it('refuses anonymous callers, strangers and the other side, changing nothing', async () => {
    const vars = { orderId: parties.order.id, ...c.vars };
    expect(codes(await kit.client.request(c.query, vars))).toEqual(['UNAUTHENTICATED']);
    const stranger = await kit.user();
    expect(codes(await stranger.client.request(c.query, vars))).toEqual(['NOT_FOUND']);
    expect(codes(await parties[other(c.side)].client.request(c.query, vars))).toEqual([
      'FORBIDDEN',
    ]);
    expect(
      codes(await parties[c.side].client.request(c.query, { ...vars, orderId: 'nope' })),
    ).toEqual(['BAD_USER_INPUT']);
    const unknown = { ...vars, orderId: randomUUID() };
    expect(codes(await parties[c.side].client.request(c.query, unknown))).toEqual(['NOT_FOUND']);
    const { order } = await parties.buyer.client.data<{ order: OrderJson }>(ORDER, {
      id: parties.order.id,
    });
    expect(order.status).toBe(c.from);
  });

  if (c.badInput) {
    it('refuses bad input with the field named', async () => {
      const response = await parties[c.side].client.request(c.query, {
        orderId: parties.order.id,
        ...c.badInput,
      });
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
      expect(
        response.errors[0]?.extensions?.['field'],
        JSON.stringify(response.errors),
      ).toBeTruthy();
    });
  }

  it(`moves the order from ${c.from} to ${c.to} for the ${c.side}`, async () => {
    const data = await parties[c.side].client.data<Record<string, OrderJson>>(c.query, {
      orderId: parties.order.id,
      ...c.vars,
    });
    expect(Object.values(data)[0]?.status).toBe(c.to);
  });

  it(`refuses it from ${c.refusedFrom} with CONFLICT`, async () => {
    const { order, seller, buyer } = await kit.orderIn(c.refusedFrom);
    const client = (c.side === 'buyer' ? buyer : seller).client;
    expect(codes(await client.request(c.query, { orderId: order.id, ...c.vars }))).toEqual([
      'CONFLICT',
    ]);
  });
});

describe('respondToCancellation and respondToExtension', () => {
  it('need a pending request, from the other side, and act on it', async () => {
    const { order, seller, buyer } = await kit.orderIn('IN_PROGRESS');
    const vars = { orderId: order.id };
    // Nothing pending yet.
    expect(codes(await seller.client.request(ANSWER_CANCEL, { ...vars, accept: true }))).toEqual([
      'CONFLICT',
    ]);
    expect(codes(await buyer.client.request(ANSWER_EXTENSION, { ...vars, approve: true }))).toEqual(
      ['CONFLICT'],
    );
    await buyer.client.data(ASK_CANCEL, { ...vars, reason: 'No longer needed' });
    expect(codes(await buyer.client.request(ASK_CANCEL, { ...vars, reason: 'Again' }))).toEqual([
      'CONFLICT',
    ]);
    expect(codes(await kit.client.request(ANSWER_CANCEL, { ...vars, accept: false }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(codes(await buyer.client.request(ANSWER_CANCEL, { ...vars, accept: false }))).toEqual([
      'FORBIDDEN',
    ]);
    const stranger = await kit.user();
    expect(codes(await stranger.client.request(ANSWER_CANCEL, { ...vars, accept: false }))).toEqual(
      ['NOT_FOUND'],
    );
    const declined = await seller.client.data<{ respondToCancellation: OrderJson }>(ANSWER_CANCEL, {
      ...vars,
      accept: false,
    });
    expect(declined.respondToCancellation.status).toBe('IN_PROGRESS');
    expect(declined.respondToCancellation.cancellationRequests.map((r) => r.state)).toEqual([
      'DECLINED',
    ]);

    const before = new Date(order.dueAt ?? '').getTime();
    await seller.client.data(ASK_EXTENSION, { ...vars, days: 2, reason: 'The fox needs fur' });
    expect(
      codes(await seller.client.request(ASK_EXTENSION, { ...vars, days: 1, reason: 'Twice' })),
    ).toEqual(['CONFLICT']);
    expect(
      codes(await seller.client.request(ANSWER_EXTENSION, { ...vars, approve: true })),
    ).toEqual(['FORBIDDEN']);
    expect(codes(await kit.client.request(ANSWER_EXTENSION, { ...vars, approve: true }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(
      codes(await stranger.client.request(ANSWER_EXTENSION, { ...vars, approve: true })),
    ).toEqual(['NOT_FOUND']);
    const approved = await buyer.client.data<{ respondToExtension: OrderJson }>(ANSWER_EXTENSION, {
      ...vars,
      approve: true,
    });
    expect(new Date(approved.respondToExtension.dueAt ?? '').getTime()).toBe(before + 2 * DAY_MS);
    expect(approved.respondToExtension.extensionRequests.map((r) => r.state)).toEqual(['APPROVED']);
    expect((await kit.published('orders.extension.requested', order.id)).length).toBe(1);
    const decided = await kit.published('orders.extension.decided', order.id);
    expect(decided.map((event) => event['approved'])).toEqual([true]);

    // A second request, declined: the due date stays.
    await seller.client.data(ASK_EXTENSION, {
      ...vars,
      newDueAt: new Date(before + 5 * DAY_MS).toISOString(),
      reason: 'More',
    });
    const kept = await buyer.client.data<{ respondToExtension: OrderJson }>(ANSWER_EXTENSION, {
      ...vars,
      approve: false,
    });
    expect(new Date(kept.respondToExtension.dueAt ?? '').getTime()).toBe(before + 2 * DAY_MS);

    // The buyer asks to cancel again; the seller accepts: cancelled and refunded.
    await buyer.client.data(ASK_CANCEL, { ...vars, reason: 'Really' });
    const cancelled = await seller.client.data<{ respondToCancellation: OrderJson }>(
      ANSWER_CANCEL,
      { ...vars, accept: true },
    );
    expect(cancelled.respondToCancellation.status).toBe('CANCELLED');
    const [event] = await kit.published('orders.order.cancelled', order.id);
    expect(event?.['refundCents']).toBe(order.totalCents);
    await eventually(async () => {
      const { order: now } = await buyer.client.data<{ order: OrderJson }>(ORDER, { id: order.id });
      return now.payment?.status === 'REFUNDED' ? now : null;
    });
  });
});

describe('placing and paying', () => {
  it('places a PENDING_PAYMENT order with the money computed, for anyone but the seller', async () => {
    const { seller, buyer, gigId } = await kit.sellerAndBuyer(4_000);
    expect(codes(await kit.client.request(PLACE, { gigId, requirements: 'x' }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(codes(await seller.client.request(PLACE, { gigId, requirements: 'x' }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await buyer.client.request(PLACE, { gigId: 'x', requirements: 'x' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(
      codes(await buyer.client.request(PLACE, { gigId: randomUUID(), requirements: 'x' })),
    ).toEqual(['NOT_FOUND']);
    const { placeOrder } = await buyer.client.data<{
      placeOrder: { clientSecret: string; order: OrderJson };
    }>(PLACE, { gigId, requirements: 'A fox' });
    expect(placeOrder.clientSecret).toMatch(/_secret_/);
    expect(placeOrder.order).toMatchObject({
      status: 'PENDING_PAYMENT',
      priceCents: 4_000,
      serviceFeeCents: 220 + 200,
      totalCents: 4_420,
      sellerEarningsCents: 3_200,
      currency: 'USD',
      dueAt: null,
      buyer: { id: buyer.id },
      seller: { id: seller.id },
      gig: { id: gigId },
      payment: { provider: 'SANDBOX', status: 'REQUIRES_PAYMENT', amountCents: 4_420 },
    });
    expect(placeOrder.order.number).toMatch(/^FO-[A-Z2-9]{7}$/);
    // Nothing is announced before the payment.
    expect(await kit.published('orders.order.placed', placeOrder.order.id)).toEqual([]);
  });

  it('refuses a paused gig with CONFLICT', async () => {
    const seller = await kit.user();
    const buyer = await kit.user();
    const gigId = await kit.publishGig({ sellerId: seller.id, active: false });
    expect(codes(await buyer.client.request(PLACE, { gigId, requirements: 'x' }))).toEqual([
      'CONFLICT',
    ]);
  });

  it('records a declined card and one that needs action, then places the order once', async () => {
    const { buyer, order } = await kit.orderIn('PENDING_PAYMENT');
    const declined = await buyer.client.data<{ confirmPayment: OrderJson }>(PAY, {
      orderId: order.id,
      cardNumber: CARDS.declined,
    });
    expect(declined.confirmPayment).toMatchObject({
      status: 'PENDING_PAYMENT',
      payment: { status: 'FAILED' },
    });
    const action = await buyer.client.data<{ confirmPayment: OrderJson }>(PAY, {
      orderId: order.id,
      cardNumber: CARDS.action,
    });
    expect(action.confirmPayment.payment?.status).toBe('REQUIRES_ACTION');
    const paid = await buyer.client.data<{ confirmPayment: OrderJson }>(PAY, {
      orderId: order.id,
      cardNumber: '4242 4242 4242 4242',
    });
    expect(paid.confirmPayment).toMatchObject({
      status: 'PLACED',
      payment: { status: 'SUCCEEDED' },
    });
    expect(new Date(paid.confirmPayment.dueAt ?? '').getTime()).toBeGreaterThan(Date.now());
    expect(paid.confirmPayment.timeline.map((entry) => entry.what)).toEqual([
      'CREATED',
      'PAYMENT_FAILED',
      'PAYMENT_REQUIRES_ACTION',
      'PAID',
    ]);
    expect(
      codes(await buyer.client.request(PAY, { orderId: order.id, cardNumber: CARDS.ok })),
    ).toEqual(['CONFLICT']);
    const placed = await kit.published('orders.order.placed', order.id);
    expect(placed).toHaveLength(1);
    expect(placed[0]).toMatchObject({
      status: 'PLACED',
      actorId: buyer.id,
      totalCents: order.totalCents,
    });
  });

  it('confirms a payment once when ten confirmations race', async () => {
    const { buyer, order } = await kit.orderIn('PENDING_PAYMENT');
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        buyer.client.request<{ confirmPayment: OrderJson }>(PAY, {
          orderId: order.id,
          cardNumber: CARDS.ok,
        }),
      ),
    );
    expect(results.every((r) => r.errors.length === 0 || codes(r)[0] === 'CONFLICT')).toBe(true);
    expect((await kit.published('orders.order.placed', order.id)).length).toBe(1);
  });
});

describe('acceptOffer', () => {
  it('makes an order at the offer’s price for its buyer only, once', async () => {
    const { seller, buyer, gigId } = await kit.sellerAndBuyer();
    const offerId = await kit.publishOffer({ gigId, sellerId: seller.id, buyerId: buyer.id });
    expect(codes(await kit.client.request(ACCEPT_OFFER, { offerId }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await seller.client.request(ACCEPT_OFFER, { offerId }))).toEqual(['FORBIDDEN']);
    const stranger = await kit.user();
    expect(codes(await stranger.client.request(ACCEPT_OFFER, { offerId }))).toEqual(['NOT_FOUND']);
    expect(codes(await buyer.client.request(ACCEPT_OFFER, { offerId: 'x' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    const { acceptOffer } = await buyer.client.data<{ acceptOffer: { order: OrderJson } }>(
      ACCEPT_OFFER,
      { offerId },
    );
    expect(acceptOffer.order).toMatchObject({
      offerId,
      priceCents: 25_000,
      serviceFeeCents: 1_375,
      totalCents: 26_375,
      sellerEarningsCents: 20_000,
      requirements: 'Two logos and a favicon',
      status: 'PENDING_PAYMENT',
    });
    expect(codes(await buyer.client.request(ACCEPT_OFFER, { offerId }))).toEqual(['CONFLICT']);
    await buyer.client.data(PAY, { orderId: acceptOffer.order.id, cardNumber: CARDS.ok });
    const [placed] = await kit.published('orders.order.placed', acceptOffer.order.id);
    expect(placed?.['offerId']).toBe(offerId);
  });
});

describe('requestExtension limits', () => {
  it('wants a later due date, at most 30 days more', async () => {
    const { seller, order } = await kit.orderIn('PLACED');
    const due = Date.parse(order.dueAt ?? '');
    const ask = (vars: Record<string, unknown>) =>
      seller.client.request(ASK_EXTENSION, { orderId: order.id, reason: 'More time', ...vars });
    const earlier = await ask({ newDueAt: new Date(due - 1).toISOString() });
    expect(codes(earlier)).toEqual(['BAD_USER_INPUT']);
    expect(earlier.errors[0]?.extensions?.['field']).toBe('newDueAt');
    const far = await ask({ newDueAt: new Date(due + 31 * DAY_MS).toISOString() });
    expect(codes(far)).toEqual(['BAD_USER_INPUT']);
    const tooMany = await ask({ days: 31 });
    expect(tooMany.errors[0]?.extensions?.['field']).toBe('days');
    const fine = await ask({ newDueAt: new Date(due + 30 * DAY_MS).toISOString() });
    expect(codes(fine)).toEqual([]);
  });
});

describe('offers and gigs that went away', () => {
  it('refuses an expired and a declined offer, and a deleted gig', async () => {
    const { seller, buyer, gigId } = await kit.sellerAndBuyer();
    const expired = await kit.publishOffer({
      gigId,
      sellerId: seller.id,
      buyerId: buyer.id,
      expiresInMs: -1_000,
    });
    expect(codes(await buyer.client.request(ACCEPT_OFFER, { offerId: expired }))).toEqual([
      'CONFLICT',
    ]);
    const declined = await kit.publishOffer({ gigId, sellerId: seller.id, buyerId: buyer.id });
    const now = new Date().toISOString();
    await kit.publishAndWait(
      createEnvelope(
        'chat',
        'chat.offer.updated',
        {
          offerId: declined,
          conversationId: randomUUID(),
          gigId,
          sellerId: seller.id,
          buyerId: buyer.id,
          participantIds: [seller.id, buyer.id],
          state: 'DECLINED',
          updatedAt: now,
        },
        new Date(),
        2,
      ),
      'orders.offers',
    );
    expect(codes(await buyer.client.request(ACCEPT_OFFER, { offerId: declined }))).toEqual([
      'CONFLICT',
    ]);
    await kit.publishAndWait(
      createEnvelope(
        'gigs',
        'gigs.gig.deleted',
        { gigId, sellerId: seller.id, deletedAt: now },
        new Date(),
        2,
      ),
      'orders.gigs',
    );
    expect(codes(await buyer.client.request(PLACE, { gigId, requirements: 'x' }))).toEqual([
      'NOT_FOUND',
    ]);
  });
});

describe('20 concurrent acceptDelivery calls', () => {
  it('complete the order once and pay the seller once', async () => {
    const { buyer, order } = await kit.orderIn('DELIVERED');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => buyer.client.request(ACCEPT, { orderId: order.id })),
    );
    const ok = results.filter((r) => r.errors.length === 0);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => codes(r)[0] === 'CONFLICT')).toHaveLength(19);
    const completed = await kit.published('orders.order.completed', order.id);
    expect(completed).toHaveLength(1);
    expect(completed[0]?.['sellerEarningsCents']).toBe(order.sellerEarningsCents);
  });
});

describe('order(id)', () => {
  it('is for its buyer and seller only', async () => {
    const { seller, buyer, order } = await kit.orderIn('PLACED');
    expect((await buyer.client.data<{ order: OrderJson }>(ORDER, { id: order.id })).order.id).toBe(
      order.id,
    );
    expect((await seller.client.data<{ order: OrderJson }>(ORDER, { id: order.id })).order.id).toBe(
      order.id,
    );
    const stranger = await kit.user();
    expect((await stranger.client.data<{ order: null }>(ORDER, { id: order.id })).order).toBeNull();
    expect(codes(await kit.client.request(ORDER, { id: order.id }))).toEqual(['UNAUTHENTICATED']);
  });
});
