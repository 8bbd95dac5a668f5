import { expect } from 'vitest';
import { eventually, uniqueTag, type Member } from '@jobber/test-kit';
import {
  AddReviewDocument,
  GigReviewsDocument,
  ReplyToReviewDocument,
  ReviewsReceivedDocument,
} from '../../generated/client/graphql.js';
import { executeData } from './execute.js';
import { operation } from './operation-fixture.js';
import type { World } from './world.js';

/** A published gig, a buyer, and an order of it that orders announced completed. */
async function completedOrder(world: World) {
  const [{ id: gigId, seller }, buyer] = await Promise.all([
    world.publishedGig(`Smoke reviewed gig ${uniqueTag()}`),
    world.member(),
  ]);
  const order = await world.reviews().completeOrder({
    gigId,
    buyerId: buyer.id,
    sellerId: seller.id,
  });
  return { ...order, seller, buyer };
}

/** The buyer's review of the order's seller. */
async function buyerReview(buyer: Member, orderId: string, rating = 5) {
  const { addReview } = await executeData(buyer.client, AddReviewDocument, {
    orderId,
    rating,
    comment: 'Clean work, on time',
  });
  return addReview;
}

/** The fixtures of operations/reviews.graphql. */
export const reviewsFixtures = {
  GigReviews: operation(GigReviewsDocument, async (world) => {
    const { orderId, gigId, buyer } = await completedOrder(world);
    const review = await buyerReview(buyer, orderId, 4);
    // gigs counts the rating from reviews.review.created.
    await eventually(
      async () =>
        (await executeData(world.client, GigReviewsDocument, { id: gigId })).gig?.rating.count ===
        1,
      { what: 'the gig’s rating counted', timeoutMs: 30_000 },
    );
    return {
      variables: { id: gigId, first: 5 },
      check: (data) => {
        expect(data.gig?.rating).toEqual({ count: 1, average: 4 });
        expect(data.gig?.reviews?.edges.map((edge) => edge.node)).toEqual([
          expect.objectContaining({
            id: review.id,
            kind: 'BUYER_TO_SELLER',
            rating: 4,
            reviewer: { id: buyer.id, username: buyer.username },
            reply: null,
          }),
        ]);
      },
    };
  }),

  ReviewsReceived: operation(ReviewsReceivedDocument, async (world) => {
    const { orderId, gigId, buyer, seller } = await completedOrder(world);
    await buyerReview(buyer, orderId, 5);
    return {
      client: seller.client,
      variables: { kind: 'BUYER_TO_SELLER' as const, first: 10 },
      check: (data) =>
        expect(data.viewer?.reviewsReceived?.edges.map((edge) => edge.node)).toEqual([
          expect.objectContaining({
            rating: 5,
            reviewer: { id: buyer.id, username: buyer.username },
            gig: expect.objectContaining({ id: gigId }),
          }),
        ]),
    };
  }),

  AddReview: operation(AddReviewDocument, async (world) => {
    const { orderId, buyer, seller } = await completedOrder(world);
    return {
      client: seller.client,
      variables: { orderId, rating: 5, comment: 'Clear brief, quick answers' },
      check: (data) =>
        expect(data.addReview).toMatchObject({
          kind: 'SELLER_TO_BUYER',
          order: { id: orderId },
          reviewer: { id: seller.id, username: seller.username },
          reviewee: { id: buyer.id, username: buyer.username },
        }),
    };
  }),

  ReplyToReview: operation(ReplyToReviewDocument, async (world) => {
    const { orderId, buyer, seller } = await completedOrder(world);
    const review = await buyerReview(buyer, orderId);
    return {
      client: seller.client,
      variables: { reviewId: review.id, body: 'Thank you, a pleasure!' },
      check: (data) =>
        expect(data.replyToReview).toMatchObject({
          id: review.id,
          reply: { body: 'Thank you, a pleasure!' },
        }),
    };
  }),
};
