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
 * outbox (profiles.ts). Stats events (orders) get their handlers here later.
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
