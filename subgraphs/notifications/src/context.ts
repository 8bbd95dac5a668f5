import { alignToKeys, defineLoader, isUuid, type SubgraphContext } from '@jobber/service-kit';
import type { Feed } from './feed.js';
import type { LiveHub } from './live.js';
import type { Preferences } from './preferences.js';
import type { NotificationsStore } from './store.js';

/** What every notifications resolver receives: the caller, the rules and this request's loaders. */
export type NotificationsContext = SubgraphContext<
  NotificationsStore,
  { feed: Feed; preferences: Preferences; live: LiveHub }
>;

/** Notifications by id (entity references from the gateway): one query per request tick. */
export const notificationById = defineLoader({
  name: 'notificationById',
  batch: async (ids: readonly string[], store: NotificationsStore) =>
    alignToKeys(ids, await store.notificationsByIds(ids.filter(isUuid)), (row) => row.id),
});
