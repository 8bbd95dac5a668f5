import {
  alignToKeys,
  defineLoader,
  groupToKeys,
  isUuid,
  type SubgraphContext,
} from '@jobber/service-kit';
import type { Orders } from './orders.js';
import type { OrdersStore } from './store.js';

/** What every orders resolver receives: the caller, the order rules and this request's loaders. */
export type OrdersContext = SubgraphContext<OrdersStore, { orders: Orders }>;

/** Orders by id: one query per request tick. */
export const orderById = defineLoader({
  name: 'orderById',
  batch: async (ids: readonly string[], store: OrdersStore) =>
    alignToKeys(ids, await store.ordersByIds(ids.filter(isUuid)), (row) => row.id),
});

/** An order's parts, each one query for every order of the request tick. */
export const deliveriesOf = defineLoader({
  name: 'deliveriesOf',
  batch: async (ids: readonly string[], store: OrdersStore) =>
    groupToKeys(ids, await store.deliveriesOf(ids), (row) => row.orderId),
});
export const revisionsOf = defineLoader({
  name: 'revisionsOf',
  batch: async (ids: readonly string[], store: OrdersStore) =>
    groupToKeys(ids, await store.revisionsOf(ids), (row) => row.orderId),
});
export const extensionsOf = defineLoader({
  name: 'extensionsOf',
  batch: async (ids: readonly string[], store: OrdersStore) =>
    groupToKeys(ids, await store.extensionsOf(ids), (row) => row.orderId),
});
export const cancellationsOf = defineLoader({
  name: 'cancellationsOf',
  batch: async (ids: readonly string[], store: OrdersStore) =>
    groupToKeys(ids, await store.cancellationsOf(ids), (row) => row.orderId),
});
export const timelineOf = defineLoader({
  name: 'timelineOf',
  batch: async (ids: readonly string[], store: OrdersStore) =>
    groupToKeys(ids, await store.timelineOf(ids), (row) => row.orderId),
});
export const paymentOf = defineLoader({
  name: 'paymentOf',
  batch: async (ids: readonly string[], store: OrdersStore) =>
    alignToKeys(ids, await store.paymentsOf(ids), (row) => row.orderId),
});
