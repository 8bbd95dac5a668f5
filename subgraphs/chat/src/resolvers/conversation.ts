import { requireViewer } from '@jobber/service-kit';
import type { ConversationResolvers } from '../generated/graphql.js';
import { conversationById, messageById, unreadCount } from '../context.js';
import { otherParticipant, participantsOf } from '../records.js';

export const Conversation: ConversationResolvers = {
  // Only a participant gets it (the gateway asks with the viewer's credential).
  __resolveReference: async (reference, { loaders, viewer }) => {
    const conversation = await loaders.get(conversationById).load(reference.id);
    if (!conversation || !viewer) return null;
    return participantsOf(conversation).includes(viewer.id) ? conversation : null;
  },
  participants: (conversation) => participantsOf(conversation).map((id) => ({ id })),
  otherParticipant: (conversation, _args, caller) => ({
    id: otherParticipant(conversation, requireViewer(caller).id),
  }),
  gig: (conversation) => (conversation.gigId ? { id: conversation.gigId } : null),
  lastMessage: async (conversation, _args, { loaders, conversations }) => {
    if (!conversation.lastMessageId) return null;
    const message = await loaders.get(messageById).load(conversation.lastMessageId);
    return message ? conversations.atNow(message) : null;
  },
  unreadCount: (conversation, _args, { loaders, ...caller }) =>
    loaders.get(unreadCount).load(`${requireViewer(caller).id}:${conversation.id}`),
  messages: (conversation, args, { conversations }) => conversations.messages(conversation, args),
};
