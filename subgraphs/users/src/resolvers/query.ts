import type { QueryResolvers } from '../generated/graphql.js';
import { sellerById } from '../context.js';

export const Query: QueryResolvers = {
  seller: (_parent, { username }, { profiles }) => profiles.sellerByUsername(username),
  sellers: async (_parent, args, { profiles, loaders }) => {
    const page = await profiles.sellers(args);
    // `user { sellerProfile }` under a page then costs no query.
    const sellers = loaders.get(sellerById);
    for (const { node } of page.edges) sellers.prime(node.userId, node);
    return page;
  },
};
