import { alignToKeys, defineLoader, isUuid, type SubgraphContext } from '@jobber/service-kit';
import type { Accounts } from './accounts.js';
import type { AuthStore } from './store.js';

/** What every auth resolver receives: who is calling, the account rules and this request's loaders. */
export type AuthContext = SubgraphContext<AuthStore, { accounts: Accounts }>;

/** Users by id, one query per request tick however many entities the gateway asks for. */
export const userById = defineLoader({
  name: 'userById',
  batch: async (ids: readonly string[], store: AuthStore) =>
    alignToKeys(ids, await store.usersByIds(ids.filter(isUuid)), (user) => user.id),
});
