import type { ReviewResolvers } from '../generated/graphql.js';
import { reviewById } from '../context.js';

export const Review: ReviewResolvers = {
  // Reviews are public.
  __resolveReference: (reference, { loaders }) => loaders.get(reviewById).load(reference.id),
  order: (review) => ({ id: review.orderId }),
  gig: (review) => ({ id: review.gigId }),
  reviewer: (review) => ({ id: review.reviewerId }),
  reviewee: (review) => ({ id: review.revieweeId }),
  reply: (review) =>
    review.replyBody !== null && review.repliedAt !== null
      ? { body: review.replyBody, repliedAt: review.repliedAt }
      : null,
};
