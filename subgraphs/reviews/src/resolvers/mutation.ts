import type { MutationResolvers } from '../generated/graphql.js';

/** Thin: each mutation hands its input and the caller to the review rules. */
export const Mutation: MutationResolvers = {
  addReview: (_parent, args, { reviews, ...caller }) => reviews.addReview(args, caller),
  replyToReview: (_parent, args, { reviews, ...caller }) => reviews.replyToReview(args, caller),
};
