import { expect } from 'vitest';
import { eventually, type Member } from '@jobber/test-kit';
import {
  ConfirmPaymentDocument,
  CreateGigDocument,
  MyOrdersDocument,
  OrderPageDocument,
  PlaceOrderDocument,
} from '../../generated/client/graphql.js';
import { execute, executeData } from './execute.js';
import { operation } from './operation-fixture.js';
import type { World } from './world.js';

const CARD_OK = '4242424242424242';

/** A seller's new gig, once orders has it (gigs.gig.published), and a buyer. */
async function gigToBuy(world: World): Promise<{ seller: Member; buyer: Member; gigId: string }> {
  const [seller, buyer] = await Promise.all([world.gigSeller(), world.member()]);
  const { createGig } = await executeData(seller.client, CreateGigDocument, {
    input: {
      title: 'I will design a minimalist logo',
      description: 'Clean vector logos with unlimited revisions and all source files.',
      category: 'graphics-design',
      subCategory: 'logo-design',
      tags: ['logo'],
      priceCents: 4_000,
      deliveryDays: 3,
    },
  });
  return { seller, buyer, gigId: createGig.id };
}

/** An order of that gig by the buyer (placed as soon as orders knows the gig). */
async function placedOrder(world: World) {
  const { seller, buyer, gigId } = await gigToBuy(world);
  const order = await eventually(
    async () => {
      const response = await execute(buyer.client, PlaceOrderDocument, {
        gigId,
        requirements: 'A fox',
      });
      return response.data?.placeOrder.order;
    },
    { timeoutMs: 10_000, intervalMs: 50, what: 'orders knowing the gig' },
  );
  return { seller, buyer, gigId, order };
}

/** The fixtures of operations/orders.graphql. */
export const ordersFixtures = {
  PlaceOrder: operation(PlaceOrderDocument, async (world) => {
    const { seller, buyer, gigId } = await gigToBuy(world);
    // Orders learns the gig from an event: wait until it can sell it.
    await eventually(
      async () =>
        (await execute(buyer.client, PlaceOrderDocument, { gigId, requirements: 'A first fox' }))
          .errors.length === 0,
      { timeoutMs: 10_000, intervalMs: 50, what: 'orders knowing the gig' },
    );
    return {
      client: buyer.client,
      variables: { gigId, requirements: 'A fox, in orange' },
      check: (data) =>
        expect(data.placeOrder.order).toMatchObject({
          status: 'PENDING_PAYMENT',
          priceCents: 4_000,
          serviceFeeCents: 420,
          totalCents: 4_420,
          requirements: 'A fox, in orange',
          seller: { id: seller.id, username: seller.username },
          buyer: { id: buyer.id },
          payment: { provider: 'SANDBOX', status: 'REQUIRES_PAYMENT' },
        }),
    };
  }),

  ConfirmPayment: operation(ConfirmPaymentDocument, async (world) => {
    const { buyer, order } = await placedOrder(world);
    return {
      client: buyer.client,
      variables: { orderId: order.id, cardNumber: CARD_OK },
      check: (data) =>
        expect(data.confirmPayment).toMatchObject({
          status: 'PLACED',
          payment: { status: 'SUCCEEDED' },
        }),
    };
  }),

  OrderPage: operation(OrderPageDocument, async (world) => {
    const { seller, buyer, order } = await placedOrder(world);
    await executeData(buyer.client, ConfirmPaymentDocument, {
      orderId: order.id,
      cardNumber: CARD_OK,
    });
    return {
      client: seller.client,
      variables: { id: order.id },
      check: (data) =>
        expect(data.order?.timeline.map((entry) => [entry.what, entry.actor?.id])).toEqual([
          ['CREATED', buyer.id],
          ['PAID', buyer.id],
        ]),
    };
  }),

  MyOrders: operation(MyOrdersDocument, async (world) => {
    const { buyer, order } = await placedOrder(world);
    return {
      client: buyer.client,
      variables: { role: 'BUYER' as const, first: 10 },
      check: (data) =>
        expect(data.viewer?.orders?.edges.map((edge) => edge.node.id)).toEqual([order.id]),
    };
  }),
};
