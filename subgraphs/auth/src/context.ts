import {
  LoaderRegistry,
  defineLoader,
  alignToKeys,
  type Logger,
  type RequestIdentity,
  isUuid,
} from '@jobber/service-kit';
import type { Accounts, Caller } from './accounts.js';
import type { AuthStore } from './store.js';

/** What every auth resolver receives: who is calling, the account rules and this request's loaders. */
export interface AuthContext extends Caller {
  requestId: string;
  logger: Logger;
  accounts: Accounts;
  loaders: LoaderRegistry<AuthStore>;
}

export function createContext(
  identity: RequestIdentity,
  logger: Logger,
  accounts: Accounts,
  store: AuthStore,
): AuthContext {
  return { ...identity, logger, accounts, loaders: new LoaderRegistry(store) };
}

/** Users by id, one query per request tick however many entities the gateway asks for. */
export const userById = defineLoader({
  name: 'userById',
  batch: async (ids: readonly string[], store: AuthStore) =>
    alignToKeys(ids, await store.usersByIds(ids.filter(isUuid)), (user) => user.id),
});
