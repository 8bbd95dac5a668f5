import {
  EventConsumer,
  applyIfNewer,
  type EventEnvelope,
  type ListedConsumer,
  type ListedHandlers,
} from '@jobber/events';
import type { ConsumerDefaults } from '@jobber/service-kit';
import { registerBuyer } from './profiles.js';
import type { UsersStore, UsersTransaction } from './store.js';

/**
 * What users consumes. It publishes `users.seller.created` / `users.seller.updated` through the
 * outbox (profiles.ts). Stats come from gigs', orders' and reviews' events.
 */
export const ACCOUNTS_CONSUMER = 'users.accounts' satisfies ListedConsumer;

/**
 * `users.accounts`: a buyer profile for every registered account. `consumerOptions` (the kit's:
 * transport, logger, metrics, concurrency sized to the pool) come from `wire`'s deps.
 */
export function createAccountsConsumer(options: {
  store: UsersStore;
  consumerOptions: ConsumerDefaults;
}): EventConsumer<UsersTransaction> {
  const { store } = options;
  // Exactly the types the topology list (packages/events/src/topology.ts) gives this consumer.
  const handlers: ListedHandlers<typeof ACCOUNTS_CONSUMER, UsersTransaction> = {
    'auth.user.registered': (event, tx) => registerBuyer(store.within(tx), event.data),
  };
  return new EventConsumer({
    ...options.consumerOptions,
    name: ACCOUNTS_CONSUMER,
    db: store.consumerDb,
    handlers,
  });
}

export const GIG_COUNTS_CONSUMER = 'users.gig-counts' satisfies ListedConsumer;

/**
 * `users.gig-counts`: gigs.gig.* → the seller's count of active gigs (SellerStats.gigCount).
 * Versions compare-and-set per gig, so a late older event never undoes a newer one.
 */
export function createGigCountsConsumer(options: {
  store: UsersStore;
  consumerOptions: ConsumerDefaults;
}): EventConsumer<UsersTransaction> {
  const { store } = options;
  const record = async (
    event: EventEnvelope<'gigs.gig.published' | 'gigs.gig.updated' | 'gigs.gig.deleted'>,
    tx: UsersTransaction,
    active: boolean | null,
  ) => {
    if (!(await applyIfNewer(tx, 'users.gig-counts', event))) return;
    await store.within(tx).recordSellerGig(event.data.gigId, event.data.sellerId, active);
  };
  const handlers: ListedHandlers<typeof GIG_COUNTS_CONSUMER, UsersTransaction> = {
    'gigs.gig.published': (event, tx) => record(event, tx, event.data.active),
    'gigs.gig.updated': (event, tx) => record(event, tx, event.data.active),
    'gigs.gig.deleted': (event, tx) => record(event, tx, null),
  };
  return new EventConsumer({
    ...options.consumerOptions,
    name: GIG_COUNTS_CONSUMER,
    db: store.consumerDb,
    handlers,
  });
}

export const ORDERS_CONSUMER = 'users.orders' satisfies ListedConsumer;

/**
 * `users.orders`: orders.order.* → the buyer's purchases (placed orders not cancelled) and the
 * seller's ongoing, completed and cancelled jobs and earnings (completed orders' seller share).
 * Every event carries the whole order, so the latest version wins (compare-and-set per order):
 * a redelivery or a late older event changes nothing, and the counts are recounted, not added.
 */
export function createOrdersConsumer(options: {
  store: UsersStore;
  consumerOptions: ConsumerDefaults;
}): EventConsumer<UsersTransaction> {
  const { store } = options;
  const record = async (
    event: EventEnvelope<
      | 'orders.order.placed'
      | 'orders.order.started'
      | 'orders.order.delivered'
      | 'orders.order.completed'
      | 'orders.order.cancelled'
    >,
    tx: UsersTransaction,
  ) => {
    if (!(await applyIfNewer(tx, 'users.orders', event))) return;
    const { data } = event;
    await store.within(tx).recordOrder({
      orderId: data.orderId,
      buyerId: data.buyerId,
      sellerId: data.sellerId,
      status: data.status,
      sellerEarningsCents: data.sellerEarningsCents,
      at: new Date(data.occurredAt),
    });
  };
  const handlers: ListedHandlers<typeof ORDERS_CONSUMER, UsersTransaction> = {
    'orders.order.placed': record,
    'orders.order.started': record,
    'orders.order.delivered': record,
    'orders.order.completed': record,
    'orders.order.cancelled': record,
  };
  return new EventConsumer({
    ...options.consumerOptions,
    name: ORDERS_CONSUMER,
    db: store.consumerDb,
    handlers,
  });
}

export const RATINGS_CONSUMER = 'users.ratings' satisfies ListedConsumer;

/**
 * `users.ratings`: reviews.review.created → a buyer's review counts into its seller's rating
 * aggregate (SellerStats.ratingsCount, ratingAverage, ratingCounts) exactly once: the inbox drops
 * a redelivered envelope, and the review's version compare-and-set (`users.ratings`) drops a
 * second envelope of the same review. A seller's review of a buyer changes nothing here (users
 * keeps no buyer rating).
 */
export function createRatingsConsumer(options: {
  store: UsersStore;
  consumerOptions: ConsumerDefaults;
}): EventConsumer<UsersTransaction> {
  const { store } = options;
  const handlers: ListedHandlers<typeof RATINGS_CONSUMER, UsersTransaction> = {
    'reviews.review.created': async (event, tx) => {
      if (event.data.kind !== 'BUYER_TO_SELLER') return;
      if (!(await applyIfNewer(tx, 'users.ratings', event))) return;
      await store
        .within(tx)
        .addSellerRating(event.data.sellerId, event.data.rating as 1 | 2 | 3 | 4 | 5);
    },
  };
  return new EventConsumer({
    ...options.consumerOptions,
    name: RATINGS_CONSUMER,
    db: store.consumerDb,
    handlers,
  });
}
