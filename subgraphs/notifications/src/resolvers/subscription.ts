import type { SubscriptionResolvers } from '../generated/graphql.js';

/** graphql-ws on /graphql (the kit's); each viewer gets only their own notifications (live.ts). */
export const Subscription: SubscriptionResolvers = {
  notificationAdded: {
    subscribe: (_parent, _args, { live, ...caller }) => live.subscribe(caller),
  },
};
