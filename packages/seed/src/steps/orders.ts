import { mapBounded } from '../concurrency.js';
import type { SeedContext, SeededGig, SeededMember, SeededOrder, SeedStep } from '../context.js';
import {
  CANCELLATION_REASONS,
  DELIVERY_MESSAGES,
  EXTENSION_REASONS,
  ORDER_REQUIREMENTS,
  REVISION_REASONS,
} from '../gig-words.js';
import type { Random } from '../random.js';
import { untilKnown } from '../until-known.js';

const PLACE = `mutation($gigId: ID!, $requirements: String!) {
  placeOrder(gigId: $gigId, requirements: $requirements) { order { id } }
}`;
const ACCEPT_OFFER = `mutation($offerId: ID!, $requirements: String) {
  acceptOffer(offerId: $offerId, requirements: $requirements) { order { id } }
}`;
const PAY = `mutation($orderId: ID!, $cardNumber: String!) {
  confirmPayment(orderId: $orderId, cardNumber: $cardNumber) { status }
}`;
const START = 'mutation($orderId: ID!) { startOrder(orderId: $orderId) { status } }';
const DELIVER = `mutation($orderId: ID!, $message: String!) {
  deliverOrder(orderId: $orderId, message: $message) { status }
}`;
const REVISE = `mutation($orderId: ID!, $reason: String!) {
  requestRevision(orderId: $orderId, reason: $reason) { status }
}`;
const ACCEPT_DELIVERY = 'mutation($orderId: ID!) { acceptDelivery(orderId: $orderId) { status } }';
const EXTEND = `mutation($orderId: ID!, $days: Int!, $reason: String!) {
  requestExtension(orderId: $orderId, days: $days, reason: $reason) { status }
}`;
const DECIDE_EXTENSION = `mutation($orderId: ID!, $approve: Boolean!) {
  respondToExtension(orderId: $orderId, approve: $approve) { status }
}`;
const CANCEL = `mutation($orderId: ID!, $reason: String!) {
  cancelOrder(orderId: $orderId, reason: $reason) { status }
}`;
const ASK_CANCEL = `mutation($orderId: ID!, $reason: String!) {
  requestCancellation(orderId: $orderId, reason: $reason) { status }
}`;
const ANSWER_CANCEL = `mutation($orderId: ID!, $accept: Boolean!) {
  respondToCancellation(orderId: $orderId, accept: $accept) { status }
}`;

/** The sandbox's test cards (Stripe's test mode numbers). */
const CARD_SUCCEEDS = '4242424242424242';
const CARD_DECLINED = '4000000000000002';

/** How long a placeOrder / acceptOffer waits for orders to learn its gig or offer by event. */
const EVENT_WAIT_MS = 180_000;
const ORDER_CONCURRENCY = 32;

type Status = SeededOrder['status'];

/** Where each order ends, and how it gets there. */
interface PlannedOrder {
  buyer: SeededMember;
  gig: SeededGig;
  /** Accepting this open chat offer instead of ordering at the listed price. */
  offerId?: string;
  requirements: string;
  delivery: string;
  end: Status;
  /** PENDING_PAYMENT orders whose first card was declined. */
  declinedCard: boolean;
  extension?: { days: number; reason: string; approve: boolean };
  revision?: string;
  cancellation?: { bySeller: boolean; reason: string };
}

/** The share of orders ending in each state (the rest complete). */
const ENDS: readonly [Status, number][] = [
  ['PENDING_PAYMENT', 0.06],
  ['PLACED', 0.08],
  ['IN_PROGRESS', 0.12],
  ['DELIVERED', 0.12],
  ['CANCELLED', 0.1],
];

const ALL_ENDS: readonly Status[] = [...ENDS.map(([status]) => status), 'COMPLETED'];

/**
 * Orders as buyers and sellers move them: some accept a chat offer left open, the others order
 * a gig at its price (`placeOrder`, which waits until orders knows the gig from gigs' event);
 * most are paid with the sandbox's test card, a few stay unpaid (one card declined); then the
 * seller starts, asks for more time now and then (approved or declined), delivers, the buyer
 * asks for a revision now and then, and accepts. Some stop on the way, in every state, and some
 * are cancelled by the seller or at the buyer's request.
 */
export const ordersStep: SeedStep = {
  name: 'orders',
  needs: ['placeOrder', 'acceptOffer', 'confirmPayment', 'acceptDelivery', 'cancelOrder'],
  total: (context) => plan(context).length,
  async run(context, tick) {
    const planned = plan(context);
    const made = await mapBounded(
      planned,
      Math.max(context.concurrency, ORDER_CONCURRENCY),
      async (order) => {
        const seeded = await placeAndMove(context, order);
        tick();
        return seeded;
      },
    );
    context.orders.push(...made);
    for (const order of made) {
      const kind = `${order.status.toLowerCase().replace('_', ' ')} orders`;
      context.made[kind] = (context.made[kind] ?? 0) + 1;
    }
    context.made['orders from offers'] = planned.filter((order) => order.offerId).length;
  },
};

const plans = new WeakMap<SeedContext, PlannedOrder[]>();
function plan(context: SeedContext): PlannedOrder[] {
  const known = plans.get(context);
  if (known) return known;
  const random = context.random('orders');
  const active = context.gigs.filter((gig) => gig.active);
  const buyers = context.members.buyers;
  const planned: PlannedOrder[] = [];
  if (active.length === 0 || buyers.length === 0) return planned;
  // About half of the open offers are accepted (always within the orders' number).
  const offers = random.sample(context.offers, Math.floor(context.offers.length / 2));
  for (let i = 0; i < context.sizes.orders; i++) {
    const offer = offers[i];
    let buyer = offer?.buyer ?? random.pick(buyers);
    const gig = offer?.gig ?? random.pick(active);
    if (buyer.id === gig.seller.id) buyer = buyers.find((b) => b.id !== gig.seller.id) ?? buyer;
    if (buyer.id === gig.seller.id) continue;
    // The first orders end in each state in turn, so even a small seed has every one.
    const end = planned.length < ALL_ENDS.length ? ALL_ENDS[planned.length] : undefined;
    planned.push(planOrder(random, buyer, gig, offer?.id, end));
  }
  plans.set(context, planned);
  return planned;
}

function planOrder(
  random: Random,
  buyer: SeededMember,
  gig: SeededGig,
  offerId: string | undefined,
  given: Status | undefined,
) {
  const roll = random.next();
  let end: Status = 'COMPLETED';
  let share = 0;
  for (const [status, part] of ENDS) {
    share += part;
    if (roll < share) {
      end = status;
      break;
    }
  }
  end = given ?? end;
  const order: PlannedOrder = {
    buyer,
    gig,
    requirements: random.pick(ORDER_REQUIREMENTS),
    delivery: random.pick(DELIVERY_MESSAGES),
    end,
    declinedCard: end === 'PENDING_PAYMENT' && random.chance(0.5),
  };
  if (offerId) order.offerId = offerId;
  if (random.chance(0.2)) {
    order.extension = {
      days: random.int(1, 5),
      reason: random.pick(EXTENSION_REASONS),
      approve: random.chance(0.75),
    };
  }
  if (random.chance(0.25)) order.revision = random.pick(REVISION_REASONS);
  if (end === 'CANCELLED') {
    order.cancellation = {
      bySeller: random.chance(0.5),
      reason: random.pick(CANCELLATION_REASONS),
    };
  }
  return order;
}

/** Which states an order passes before it ends: each move happens only if the end is later. */
const ORDER_OF: Record<Status, number> = {
  PENDING_PAYMENT: 0,
  PLACED: 1,
  IN_PROGRESS: 2,
  DELIVERED: 3,
  COMPLETED: 4,
  CANCELLED: 2,
};

async function placeAndMove(context: SeedContext, planned: PlannedOrder): Promise<SeededOrder> {
  const { gateway } = context;
  const { buyer, gig } = planned;
  const seller = gig.seller;
  const asBuyer = buyer.accessToken;
  const asSeller = seller.accessToken;
  const orderId = planned.offerId
    ? (
        await untilKnown(
          () =>
            gateway.data<{ acceptOffer: { order: { id: string } } }>(
              'acceptOffer',
              ACCEPT_OFFER,
              { offerId: planned.offerId, requirements: planned.requirements },
              asBuyer,
            ),
          'NOT_FOUND',
          `orders to know the offer ${planned.offerId} (chat.offer.sent)`,
          EVENT_WAIT_MS,
        )
      ).acceptOffer.order.id
    : (
        await untilKnown(
          () =>
            gateway.data<{ placeOrder: { order: { id: string } } }>(
              'placeOrder',
              PLACE,
              { gigId: gig.id, requirements: planned.requirements },
              asBuyer,
            ),
          'NOT_FOUND',
          `orders to know the gig ${gig.id} (gigs.gig.published)`,
          EVENT_WAIT_MS,
        )
      ).placeOrder.order.id;
  const seeded = (status: Status): SeededOrder => ({ id: orderId, buyer, seller, gig, status });
  const reaches = (status: Status) => ORDER_OF[planned.end] >= ORDER_OF[status];
  const move = (field: string, query: string, variables: Record<string, unknown>, as: string) =>
    gateway.data(field, query, { orderId, ...variables }, as);

  if (planned.declinedCard) {
    // A declined card leaves the order waiting for a payment (the buyer may try another).
    await gateway.data('confirmPayment', PAY, { orderId, cardNumber: CARD_DECLINED }, asBuyer);
  }
  if (!reaches('PLACED')) return seeded('PENDING_PAYMENT');
  await move('confirmPayment', PAY, { cardNumber: CARD_SUCCEEDS }, asBuyer);
  if (planned.end === 'CANCELLED' && planned.cancellation) {
    const { bySeller, reason } = planned.cancellation;
    if (bySeller) {
      await move('cancelOrder', CANCEL, { reason }, asSeller);
    } else {
      await move('requestCancellation', ASK_CANCEL, { reason }, asBuyer);
      await move('respondToCancellation', ANSWER_CANCEL, { accept: true }, asSeller);
    }
    return seeded('CANCELLED');
  }
  if (!reaches('IN_PROGRESS')) return seeded('PLACED');
  await move('startOrder', START, {}, asSeller);
  const extension = planned.extension;
  if (extension) {
    await move(
      'requestExtension',
      EXTEND,
      { days: extension.days, reason: extension.reason },
      asSeller,
    );
    await move('respondToExtension', DECIDE_EXTENSION, { approve: extension.approve }, asBuyer);
  }
  if (!reaches('DELIVERED')) return seeded('IN_PROGRESS');
  const message = planned.delivery;
  await move('deliverOrder', DELIVER, { message }, asSeller);
  if (planned.revision) {
    await move('requestRevision', REVISE, { reason: planned.revision }, asBuyer);
    await move('deliverOrder', DELIVER, { message: `${message} (revised)` }, asSeller);
  }
  if (!reaches('COMPLETED')) return seeded('DELIVERED');
  await move('acceptDelivery', ACCEPT_DELIVERY, {}, asBuyer);
  return seeded('COMPLETED');
}
