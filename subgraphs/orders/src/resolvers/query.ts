import type { QueryResolvers } from '../generated/graphql.js';

export const Query: QueryResolvers = {
  order: (_parent, { id }, { orders, ...caller }) => orders.order(id, caller),
};
