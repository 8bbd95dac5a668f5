import {
  EventConsumer,
  applyIfNewer,
  type EventEnvelope,
  type ListedConsumer,
  type ListedHandlers,
} from '@jobber/events';
import type { ConsumerDefaults, Logger } from '@jobber/service-kit';
import type { SearchIndex } from './search/search-index.js';
import type { GigsStore, GigsTransaction } from './store.js';

/**
 * What gigs consumes. It publishes gigs.gig.published/updated/deleted through the outbox (gigs.ts).
 * - `gigs.sellers`: users.seller.* → the seller snapshot (who may publish; display fields);
 * - `gigs.ratings`: reviews.review.created → the gig's rating summary, once per review;
 * - `gigs.search-index`: gigs.gig.* → the search document, rebuilt from the gig table.
 * A failing index write is logged and left to the reindex command: it never fails the event.
 */
export const SELLERS_CONSUMER = 'gigs.sellers' satisfies ListedConsumer;
export const RATINGS_CONSUMER = 'gigs.ratings' satisfies ListedConsumer;
export const SEARCH_INDEX_CONSUMER = 'gigs.search-index' satisfies ListedConsumer;

interface ConsumerDeps {
  store: GigsStore;
  index: SearchIndex;
  logger: Logger;
  consumerOptions: ConsumerDefaults;
}

/** Refreshes the documents of these gigs; an index failure is only logged (reindex repairs it). */
async function refreshDocuments(deps: ConsumerDeps, store: GigsStore, ids: readonly string[]) {
  if (ids.length === 0) return;
  try {
    await deps.index.upsert(await store.searchDocuments(ids));
  } catch (error) {
    deps.logger.warn({ err: error, gigIds: ids }, 'search index update failed');
  }
}

export function createSellersConsumer(deps: ConsumerDeps): EventConsumer<GigsTransaction> {
  const { store } = deps;
  const apply = async (
    event: EventEnvelope<'users.seller.created' | 'users.seller.updated'>,
    tx: GigsTransaction,
  ) => {
    if (!(await applyIfNewer(tx, 'gigs.seller-fields', event))) return;
    const bound = store.within(tx);
    await bound.upsertSeller({
      userId: event.data.userId,
      username: event.data.username,
      fullName: event.data.fullName,
    });
    await refreshDocuments(deps, bound, await bound.gigIdsOfSeller(event.data.userId));
  };
  const handlers: ListedHandlers<typeof SELLERS_CONSUMER, GigsTransaction> = {
    'users.seller.created': apply,
    'users.seller.updated': apply,
  };
  return new EventConsumer({
    ...deps.consumerOptions,
    name: SELLERS_CONSUMER,
    db: store.consumerDb,
    handlers,
  });
}

export function createRatingsConsumer(deps: ConsumerDeps): EventConsumer<GigsTransaction> {
  const { store } = deps;
  const handlers: ListedHandlers<typeof RATINGS_CONSUMER, GigsTransaction> = {
    'reviews.review.created': async (event, tx) => {
      // A seller's review of the buyer says nothing about the gig.
      if (event.data.kind !== 'BUYER_TO_SELLER') return;
      const bound = store.within(tx);
      const { reviewId, gigId, rating, createdAt } = event.data;
      const counted = await bound.addRating({
        reviewId,
        gigId,
        rating: rating as 1 | 2 | 3 | 4 | 5,
        createdAt: new Date(createdAt),
      });
      if (counted) await refreshDocuments(deps, bound, [gigId]);
    },
  };
  return new EventConsumer({
    ...deps.consumerOptions,
    name: RATINGS_CONSUMER,
    db: store.consumerDb,
    handlers,
  });
}

export function createSearchIndexConsumer(deps: ConsumerDeps): EventConsumer<GigsTransaction> {
  const { store } = deps;
  const refresh = async (
    event: EventEnvelope<'gigs.gig.published' | 'gigs.gig.updated' | 'gigs.gig.deleted'>,
    tx: GigsTransaction,
  ) => {
    if (!(await applyIfNewer(tx, 'gigs.search-documents', event))) return;
    const bound = store.within(tx);
    const [document] = await bound.searchDocuments([event.data.gigId]);
    try {
      if (document) await deps.index.upsert([{ ...document, version: event.version }]);
      else await deps.index.remove(event.data.gigId, event.version);
    } catch (error) {
      deps.logger.warn({ err: error, gigId: event.data.gigId }, 'search index update failed');
    }
  };
  const handlers: ListedHandlers<typeof SEARCH_INDEX_CONSUMER, GigsTransaction> = {
    'gigs.gig.published': refresh,
    'gigs.gig.updated': refresh,
    'gigs.gig.deleted': refresh,
  };
  return new EventConsumer({
    ...deps.consumerOptions,
    name: SEARCH_INDEX_CONSUMER,
    db: store.consumerDb,
    handlers,
  });
}
