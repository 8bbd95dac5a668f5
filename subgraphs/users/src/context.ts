import { alignToKeys, defineLoader, isUuid, type SubgraphContext } from '@jobber/service-kit';
import type { Profiles } from './profiles.js';
import type { UsersStore } from './store.js';

/** What every users resolver receives: who is calling, the profile rules and this request's loaders. */
export type UsersContext = SubgraphContext<UsersStore, { profiles: Profiles }>;

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
