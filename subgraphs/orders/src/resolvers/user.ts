import type { UserResolvers } from '../generated/graphql.js';
import { orderById } from '../context.js';

/** auth owns User; orders adds the viewer's own orders. */
export const User: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  orders: async (user, args, { orders, loaders, ...caller }) => {
    const page = await orders.ordersOf(user.id, args, caller);
    // Later lookups of the same orders in this request cost no query.
    const byId = loaders.get(orderById);
    for (const { node } of page.edges) byId.prime(node.id, node);
    return page;
  },
};
