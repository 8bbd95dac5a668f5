import type { MutationResolvers } from '../generated/graphql.js';

/** Thin: each mutation hands its input and the caller to the conversation rules. */
export const Mutation: MutationResolvers = {
  sendMessage: (_parent, args, { conversations, ...caller }) =>
    conversations.sendMessage(args, caller),
  markConversationRead: (_parent, { conversationId }, { conversations, ...caller }) =>
    conversations.markRead(conversationId, caller),
  sendOffer: (_parent, args, { conversations, ...caller }) => conversations.sendOffer(args, caller),
  declineOffer: (_parent, { offerId }, { conversations, ...caller }) =>
    conversations.declineOffer(offerId, caller),
  cancelOffer: (_parent, { offerId }, { conversations, ...caller }) =>
    conversations.cancelOffer(offerId, caller),
  setTyping: (_parent, { conversationId }, { conversations, ...caller }) =>
    conversations.setTyping(conversationId, caller),
};
