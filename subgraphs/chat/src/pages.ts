import { cursorPages, type Connection, type Edge } from '@jobber/service-kit';
import type { ConversationRecord, MessageRecord } from './records.js';

/** `conversations`: latest activity first, ties by id. */
export const conversationPages = cursorPages({ updatedAt: 'date', id: 'uuid' });
/** `Conversation.messages`: oldest first; `last`/`before` (the default) pages back from the newest. */
export const messagePages = cursorPages({ createdAt: 'date', id: 'uuid' });

export type ConversationPage = Connection<ConversationRecord>;
export type ConversationPageEdge = Edge<ConversationRecord>;
export type MessagePage = Connection<MessageRecord>;
export type MessagePageEdge = Edge<MessageRecord>;
