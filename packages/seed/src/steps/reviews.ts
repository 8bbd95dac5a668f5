import { mapBounded } from '../concurrency.js';
import type { SeedContext, SeededOrder, SeedStep } from '../context.js';
import { BUYER_REVIEWS, REVIEW_REPLIES, SELLER_REVIEWS } from '../gig-words.js';
import { untilKnown } from '../until-known.js';

const ADD = `mutation($orderId: ID!, $rating: Int!, $comment: String!) {
  addReview(orderId: $orderId, rating: $rating, comment: $comment) { id }
}`;
const REPLY = `mutation($reviewId: ID!, $body: String!) {
  replyToReview(reviewId: $reviewId, body: $body) { id }
}`;

/** How long an addReview waits for reviews to learn the order completed (by event). */
const COMPLETION_WAIT_MS = 180_000;
const REVIEW_CONCURRENCY = 32;

/** Mostly good ratings, as on real marketplaces. */
const RATINGS: readonly [number, number][] = [
  [5, 0.62],
  [4, 0.24],
  [3, 0.08],
  [2, 0.04],
  [1, 0.02],
];

interface PlannedReview {
  order: SeededOrder;
  /** The buyer's review of the seller, and the seller's answer to it if any. */
  buyer?: { rating: number; comment: string; reply?: string };
  /** The seller's review of the buyer. */
  seller?: { rating: number; comment: string };
}

/**
 * Reviews of completed orders: most buyers review the seller (`addReview`, which waits until
 * reviews knows the order completed from orders' event), about half of the sellers review the
 * buyer, and some sellers answer the buyer's review (`replyToReview`).
 */
export const reviewsStep: SeedStep = {
  name: 'reviews',
  needs: ['addReview', 'replyToReview'],
  total: (context) => plan(context).length,
  async run(context, tick) {
    const planned = plan(context);
    const done = await mapBounded(
      planned,
      Math.max(context.concurrency, REVIEW_CONCURRENCY),
      async (review) => {
        const made = await reviewOrder(context, review);
        tick();
        return made;
      },
    );
    context.made['reviews of sellers'] = done.reduce((n, d) => n + d.ofSeller, 0);
    context.made['reviews of buyers'] = done.reduce((n, d) => n + d.ofBuyer, 0);
    context.made['replies'] = done.reduce((n, d) => n + d.replies, 0);
  },
};

const plans = new WeakMap<SeedContext, PlannedReview[]>();
function plan(context: SeedContext): PlannedReview[] {
  const known = plans.get(context);
  if (known) return known;
  const random = context.random('reviews');
  const planned: PlannedReview[] = [];
  // The orders step lists its orders in its plan's order, whatever order they finished in.
  const completed = context.orders.filter((order) => order.status === 'COMPLETED');
  for (const order of completed) {
    const review: PlannedReview = { order };
    if (random.chance(0.85)) {
      const rating = pickRating(random.next());
      review.buyer = { rating, comment: random.pick(SELLER_REVIEWS[rating] ?? []) };
      if (random.chance(0.3)) review.buyer.reply = random.pick(REVIEW_REPLIES);
    }
    if (random.chance(0.5)) {
      review.seller = { rating: random.chance(0.8) ? 5 : 4, comment: random.pick(BUYER_REVIEWS) };
    }
    if (review.buyer || review.seller) planned.push(review);
  }
  if (context.orders.length) plans.set(context, planned);
  return planned;
}

function pickRating(roll: number): number {
  let share = 0;
  for (const [rating, part] of RATINGS) {
    share += part;
    if (roll < share) return rating;
  }
  return 5;
}

async function reviewOrder(context: SeedContext, planned: PlannedReview) {
  const { gateway } = context;
  const { order } = planned;
  const made = { ofSeller: 0, ofBuyer: 0, replies: 0 };
  const add = (rating: number, comment: string, as: string) =>
    untilKnown(
      () =>
        gateway.data<{ addReview: { id: string } }>(
          'addReview',
          ADD,
          { orderId: order.id, rating, comment },
          as,
        ),
      // CONFLICT until reviews has seen orders.order.completed (a fresh order has no review).
      'CONFLICT',
      `reviews to know order ${order.id} completed (orders.order.completed)`,
      COMPLETION_WAIT_MS,
    );
  if (planned.buyer) {
    const { addReview } = await add(
      planned.buyer.rating,
      planned.buyer.comment,
      order.buyer.accessToken,
    );
    made.ofSeller++;
    if (planned.buyer.reply) {
      await gateway.data(
        'replyToReview',
        REPLY,
        { reviewId: addReview.id, body: planned.buyer.reply },
        order.seller.accessToken,
      );
      made.replies++;
    }
  }
  if (planned.seller) {
    await add(planned.seller.rating, planned.seller.comment, order.seller.accessToken);
    made.ofBuyer++;
  }
  return made;
}
