import type { MessageResolvers, OfferResolvers } from '../generated/graphql.js';
import { conversationById, messageById } from '../context.js';
import { isParticipant } from '../records.js';

export const Message: MessageResolvers = {
  __resolveReference: async (reference, { loaders, viewer, conversations }) => {
    const message = await loaders.get(messageById).load(reference.id);
    if (!message || !viewer) return null;
    if (message.senderId !== viewer.id && message.recipientId !== viewer.id) return null;
    return conversations.atNow(message);
  },
  conversation: async (message, _args, { loaders, viewer }) => {
    const conversation = await loaders.get(conversationById).load(message.conversationId);
    if (!conversation || !viewer || !isParticipant(conversation, viewer.id)) {
      throw new Error(`message ${message.id} has no conversation of the viewer's`);
    }
    return conversation;
  },
  sender: (message) => ({ id: message.senderId }),
};

export const Offer: OfferResolvers = {
  gig: (offer) => ({ id: offer.gigId }),
  seller: (offer) => ({ id: offer.sellerId }),
  buyer: (offer) => ({ id: offer.buyerId }),
};
