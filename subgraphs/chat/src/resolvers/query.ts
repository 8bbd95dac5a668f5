import type { QueryResolvers } from '../generated/graphql.js';
import { conversationById } from '../context.js';

export const Query: QueryResolvers = {
  conversations: async (_parent, args, { conversations, loaders, ...caller }) => {
    const page = await conversations.conversations(args, caller);
    // Later `conversation` lookups in the same request cost no query.
    const byId = loaders.get(conversationById);
    for (const { node } of page.edges) byId.prime(node.id, node);
    return page;
  },
  conversation: (_parent, { id }, { conversations, ...caller }) =>
    conversations.conversation(id, caller),
};
