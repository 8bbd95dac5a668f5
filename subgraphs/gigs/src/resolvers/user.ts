import type { UserResolvers } from '../generated/graphql.js';

/** auth owns User; this subgraph adds the user's gigs. */
export const User: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  gigs: (user, args, { gigs, ...caller }) => gigs.gigsOfUser(user.id, args, caller),
};
