import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { eventually } from '@jobber/test-kit';
import {
  CANCEL,
  CARDS,
  ORDER,
  OrdersKit,
  PAY,
  PLACE,
  START,
  codes,
  type OrderJson,
} from './orders-kit.js';
import { StripeStandIn } from './stripe-stand-in.js';

// The Stripe adapter through the API, against a local stand-in for Stripe's HTTP API that
// records what it was sent; webhooks signed with Stripe's own test helper.

const SECRET_KEY = 'sk_test_orders';
const WEBHOOK_SECRET = 'whsec_test_orders';
let standIn: StripeStandIn;
let kit: OrdersKit;
const stripe = new Stripe(SECRET_KEY);

beforeAll(async () => {
  standIn = await StripeStandIn.start();
  kit = await OrdersKit.start({
    STRIPE_SECRET_KEY: SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_URL: standIn.url,
    ORDERS_SCHEDULE_MS: '50',
  });
});
afterAll(async () => {
  await kit?.stop();
  await standIn?.stop();
});

function webhookUrl(): string {
  const url = kit.supergraph.subgraphs.orders?.url;
  if (!url) throw new Error('orders is not running');
  return url.replace(/\/graphql$/, '/webhooks/stripe');
}

async function postWebhook(payload: string, signature: string): Promise<number> {
  const response = await fetch(webhookUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });
  await response.text();
  return response.status;
}

function intentEvent(type: string, intentId: string, status: string): string {
  return JSON.stringify({
    id: `evt_${intentId}_${type}`,
    object: 'event',
    type,
    data: { object: { id: intentId, object: 'payment_intent', status, last_payment_error: null } },
  });
}

async function placed() {
  const { seller, buyer, gigId } = await kit.sellerAndBuyer(12_345);
  const before = standIn.requests.length;
  const { placeOrder } = await buyer.client.data<{
    placeOrder: { clientSecret: string; order: OrderJson };
  }>(PLACE, { gigId, requirements: 'A fox' });
  return {
    seller,
    buyer,
    order: placeOrder.order,
    clientSecret: placeOrder.clientSecret,
    sent: standIn.requests.slice(before),
  };
}

describe('Stripe payments', () => {
  it('creates the payment intent for the total, in the currency, with an idempotency key', async () => {
    const { order, clientSecret, sent } = await placed();
    expect(sent).toHaveLength(1);
    const [create] = sent;
    expect(create).toMatchObject({
      method: 'POST',
      path: '/v1/payment_intents',
      idempotencyKey: `order-${order.id}-intent`,
      authorization: `Bearer ${SECRET_KEY}`,
    });
    expect(create?.form.get('amount')).toBe(String(12_345 + 679)); // 678.975 → 679
    expect(order.totalCents).toBe(13_024);
    expect(create?.form.get('currency')).toBe('usd');
    expect(create?.form.get('metadata[orderId]')).toBe(order.id);
    expect(order.payment).toMatchObject({ provider: 'STRIPE', status: 'REQUIRES_PAYMENT' });
    expect(clientSecret).toMatch(new RegExp(`^${order.payment?.intentId}_secret_`));
  });

  it('places the order once however many signed webhooks arrive, and refuses unsigned ones', async () => {
    const { buyer, order } = await placed();
    const intentId = order.payment?.intentId ?? '';
    const payload = intentEvent('payment_intent.succeeded', intentId, 'succeeded');
    // Forged: signed with another secret, or not at all, or over other bytes.
    const forged = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_other' });
    expect(await postWebhook(payload, forged)).toBe(400);
    expect(await postWebhook(payload, 't=1,v1=00')).toBe(400);
    const signed = stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    expect(await postWebhook(payload.replace('succeeded', 'succeeded '), signed)).toBe(400);
    expect(
      (await buyer.client.data<{ order: OrderJson }>(ORDER, { id: order.id })).order.status,
    ).toBe('PENDING_PAYMENT');

    const statuses = await Promise.all(
      Array.from({ length: 6 }, () =>
        postWebhook(
          payload,
          stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
        ),
      ),
    );
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    const { order: paid } = await buyer.client.data<{ order: OrderJson }>(ORDER, { id: order.id });
    expect(paid).toMatchObject({ status: 'PLACED', payment: { status: 'SUCCEEDED' } });
    expect(paid.timeline.filter((entry) => entry.what === 'PAID')).toHaveLength(1);
    expect(await kit.published('orders.order.placed', order.id)).toHaveLength(1);
    // And a confirmation call after the webhook changes nothing either.
    expect(
      codes(await buyer.client.request(PAY, { orderId: order.id, cardNumber: CARDS.ok })),
    ).toEqual(['CONFLICT']);
  });

  it('records a failed payment from its webhook, and answers 200 to events that are not its own', async () => {
    const { buyer, order } = await placed();
    const intentId = order.payment?.intentId ?? '';
    const send = (payload: string) =>
      postWebhook(
        payload,
        stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
      );
    const failed = JSON.stringify({
      id: `evt_${intentId}_failed`,
      object: 'event',
      type: 'payment_intent.payment_failed',
      data: {
        object: {
          id: intentId,
          object: 'payment_intent',
          status: 'requires_payment_method',
          last_payment_error: { code: 'card_declined' },
        },
      },
    });
    expect(await send(failed)).toBe(200);
    const { order: now } = await buyer.client.data<{ order: OrderJson }>(ORDER, { id: order.id });
    expect(now).toMatchObject({ status: 'PENDING_PAYMENT', payment: { status: 'FAILED' } });
    expect(now.timeline.map((entry) => entry.what)).toEqual(['CREATED', 'PAYMENT_FAILED']);
    // Another integration's intent, and an event type orders does not handle: acknowledged.
    expect(await send(intentEvent('payment_intent.succeeded', 'pi_not_ours', 'succeeded'))).toBe(
      200,
    );
    expect(await send(intentEvent('customer.created', intentId, 'succeeded'))).toBe(200);
    expect(await kit.published('orders.order.placed', order.id)).toEqual([]);
  });

  it('confirms with Stripe’s test payment methods, each call with its own idempotency key', async () => {
    const { buyer, order } = await placed();
    const before = standIn.requests.length;
    const declined = await buyer.client.data<{ confirmPayment: OrderJson }>(PAY, {
      orderId: order.id,
      cardNumber: CARDS.declined,
    });
    expect(declined.confirmPayment.payment?.status).toBe('FAILED');
    const paid = await buyer.client.data<{ confirmPayment: OrderJson }>(PAY, {
      orderId: order.id,
      cardNumber: CARDS.ok,
    });
    expect(paid.confirmPayment.status).toBe('PLACED');
    const confirms = standIn.requests.slice(before);
    expect(confirms.map((request) => request.form.get('payment_method'))).toEqual([
      'pm_card_chargeDeclined',
      'pm_card_visa',
    ]);
    expect(
      confirms.every(
        (request) => request.path === `/v1/payment_intents/${order.payment?.intentId}/confirm`,
      ),
    ).toBe(true);
    const keys = confirms.map((request) => request.idempotencyKey);
    expect(keys.every((key) => key?.startsWith(`order-${order.id}-intent-confirm-`))).toBe(true);
    expect(new Set(keys).size).toBe(2);
  });

  it('refunds the total once when the seller cancels, with an idempotency key', async () => {
    const { seller, buyer, order } = await placed();
    await buyer.client.data(PAY, { orderId: order.id, cardNumber: CARDS.ok });
    await seller.client.data(START, { orderId: order.id });
    await seller.client.data(CANCEL, { orderId: order.id, reason: 'Cannot do it' });
    await eventually(async () => {
      const { order: now } = await buyer.client.data<{ order: OrderJson }>(ORDER, { id: order.id });
      return now.payment?.status === 'REFUNDED' ? now : null;
    });
    const refunds = standIn.requests.filter(
      (request) =>
        request.path === '/v1/refunds' &&
        request.form.get('payment_intent') === order.payment?.intentId,
    );
    expect(refunds.length).toBeGreaterThanOrEqual(1);
    expect(new Set(refunds.map((request) => request.idempotencyKey))).toEqual(
      new Set([`order-${order.id}-intent-refund`]),
    );
    expect(refunds[0]?.form.get('amount')).toBe(String(order.totalCents));
    const { order: refunded } = await buyer.client.data<{ order: OrderJson }>(ORDER, {
      id: order.id,
    });
    expect(refunded.payment?.refundedCents).toBe(order.totalCents);
    expect(refunded.timeline.filter((entry) => entry.what === 'REFUNDED')).toHaveLength(1);
  });

  it('refunds a payment that arrives after its order expired', async () => {
    const { buyer, order } = await placed();
    kit.clock.advance(2 * 60 * 60 * 1000);
    await eventually(async () => {
      const { order: now } = await buyer.client.data<{ order: OrderJson }>(ORDER, { id: order.id });
      return now.status === 'CANCELLED' ? true : null;
    });
    const intentId = order.payment?.intentId ?? '';
    const payload = intentEvent('payment_intent.succeeded', intentId, 'succeeded');
    const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    expect(await postWebhook(payload, signature)).toBe(200);
    const refunded = await eventually(async () => {
      const { order: now } = await buyer.client.data<{ order: OrderJson }>(ORDER, { id: order.id });
      return now.payment?.status === 'REFUNDED' ? now : null;
    });
    expect(refunded.status).toBe('CANCELLED');
    expect(await kit.published('orders.order.placed', order.id)).toEqual([]);
    const refunds = standIn.requests.filter(
      (request) =>
        request.path === '/v1/refunds' && request.form.get('payment_intent') === intentId,
    );
    expect(refunds[0]?.form.get('amount')).toBe(String(order.totalCents));
  });

  it('answers UNAVAILABLE and writes no order while Stripe is down', async () => {
    const { buyer, gigId } = await kit.sellerAndBuyer();
    standIn.failNext = 3; // the call and the SDK's two retries
    const response = await buyer.client.request(PLACE, { gigId, requirements: 'x' });
    expect(codes(response)).toEqual(['UNAVAILABLE']);
    const { rows } = await kit.db.query(`SELECT 1 FROM orders WHERE buyer_id = $1`, [buyer.id]);
    expect(rows).toEqual([]);
  });
});
