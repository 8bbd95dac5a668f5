import type { UserResolvers } from '../generated/graphql.js';
import { buyerById, sellerById } from '../context.js';

/** auth owns User; this subgraph adds the profiles, each loaded in one batch per request. */
export const User: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  buyerProfile: (user, _args, { loaders }) => loaders.get(buyerById).load(user.id),
  sellerProfile: (user, _args, { loaders }) => loaders.get(sellerById).load(user.id),
};
