import type { QueryResolvers } from '../generated/graphql.js';
import { reviewById } from '../context.js';

export const Query: QueryResolvers = {
  review: async (_parent, { id }, { loaders }) => (await loaders.get(reviewById).load(id)) ?? null,
};
