import { gigsOfSeller } from '../context.js';
import { gigPageKey, gigPages } from '../gigs.js';
import type { UserResolvers } from '../generated/graphql.js';

/** auth owns User; this subgraph adds the user's gigs (many users' pages in one statement). */
export const User: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  gigs: async (user, args, { gigs, loaders, ...caller }) => {
    const { request, read } = gigs.sellerGigsPage(user.id, args, caller);
    const rows = read ? await loaders.get(gigsOfSeller).load(gigPageKey(read)) : [];
    return gigPages.connection(rows, request);
  },
};
