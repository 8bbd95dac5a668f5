import {
  LoaderRegistry,
  defineLoader,
  alignToKeys,
  type Logger,
  type RequestIdentity,
  isUuid,
} from '@jobber/service-kit';
import type { Caller, Profiles } from './profiles.js';
import type { UsersStore } from './store.js';

/** What every users resolver receives: who is calling, the profile rules and this request's loaders. */
export interface UsersContext extends Caller {
  requestId: string;
  logger: Logger;
  profiles: Profiles;
  loaders: LoaderRegistry<UsersStore>;
}

export function createContext(
  identity: RequestIdentity,
  logger: Logger,
  profiles: Profiles,
  store: UsersStore,
): UsersContext {
  return { ...identity, logger, profiles, loaders: new LoaderRegistry(store) };
}

/** Buyer profiles by user id: one query per request tick however many users are asked for. */
export const buyerById = defineLoader({
  name: 'buyerById',
  batch: async (ids: readonly string[], store: UsersStore) =>
    alignToKeys(ids, await store.buyersByIds(ids.filter(isUuid)), (buyer) => buyer.userId),
});

/** Seller profiles by user id: one query per request tick; `sellers` pages prime it. */
export const sellerById = defineLoader({
  name: 'sellerById',
  batch: async (ids: readonly string[], store: UsersStore) =>
    alignToKeys(ids, await store.sellersByIds(ids.filter(isUuid)), (seller) => seller.userId),
});
