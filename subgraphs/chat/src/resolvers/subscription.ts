import type { SubscriptionResolvers } from '../generated/graphql.js';

/** graphql-ws on /graphql (the kit's); the rules and per-event checks are in live-subscriptions.ts. */
export const Subscription: SubscriptionResolvers = {
  messageAdded: {
    subscribe: (_parent, { conversationId }, ctx) => ctx.live.messageAdded(conversationId, ctx),
  },
  conversationUpdated: {
    subscribe: (_parent, _args, ctx) => ctx.live.conversationUpdated(ctx),
  },
  typing: {
    subscribe: (_parent, { conversationId }, ctx) => ctx.live.typing(conversationId, ctx),
  },
  presenceChanged: {
    subscribe: (_parent, _args, ctx) => ctx.live.presenceChanged(ctx),
  },
};
