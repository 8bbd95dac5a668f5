import { alignToKeys, defineLoader, isUuid, type SubgraphContext } from '@jobber/service-kit';
import type { Conversations } from './conversations.js';
import type { LiveSubscriptions } from './live-subscriptions.js';
import type { Presence } from './presence.js';
import type { ChatStore } from './store.js';

/** What every chat resolver receives: the caller, the chat rules and this request's loaders. */
export type ChatContext = SubgraphContext<
  ChatStore,
  { conversations: Conversations; live: LiveSubscriptions; presence: Presence }
>;

/** Conversations by id: one query per request tick. */
export const conversationById = defineLoader({
  name: 'conversationById',
  batch: async (ids: readonly string[], store: ChatStore) =>
    alignToKeys(ids, await store.conversationsByIds(ids.filter(isUuid)), (row) => row.id),
});

/** Messages by id (a conversation's last message): one query per request tick. */
export const messageById = defineLoader({
  name: 'messageById',
  batch: async (ids: readonly string[], store: ChatStore) =>
    alignToKeys(ids, await store.messagesByIds(ids.filter(isUuid)), (row) => row.id),
});

/** A viewer's unread count in a conversation, keyed `<viewer id>:<conversation id>`. */
export const unreadCount = defineLoader({
  name: 'unreadCount',
  batch: async (keys: readonly string[], store: ChatStore) => {
    const byViewer = new Map<string, string[]>();
    for (const key of keys) {
      const [viewerId = '', conversationId = ''] = key.split(':');
      byViewer.set(viewerId, [...(byViewer.get(viewerId) ?? []), conversationId]);
    }
    const counts = new Map<string, number>();
    for (const [viewerId, ids] of byViewer) {
      for (const [id, count] of await store.unreadCounts(viewerId, ids)) {
        counts.set(`${viewerId}:${id}`, count);
      }
    }
    return keys.map((key) => counts.get(key) ?? 0);
  },
});

/** Presence of users: one statement per request tick (online users were last seen now). */
export const presenceByUser = defineLoader({
  name: 'presenceByUser',
  batch: async (ids: readonly string[], store: ChatStore) => {
    const now = new Date();
    const rows = await store.presenceOf(ids.filter(isUuid), now);
    const seen = rows.map((row) => (row.online ? { ...row, lastSeenAt: now } : row));
    return ids.map(
      (id) =>
        seen.find((row) => row.userId === id) ?? { userId: id, online: false, lastSeenAt: null },
    );
  },
});
