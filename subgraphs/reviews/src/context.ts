import {
  alignToKeys,
  defineLoader,
  groupToKeys,
  isUuid,
  type SubgraphContext,
} from '@jobber/service-kit';
import type { ReviewRecord } from './records.js';
import { parseReviewPageKey, type Reviews } from './reviews.js';
import type { ReviewsStore } from './store.js';

/** What every reviews resolver receives: the caller, the review rules and this request's loaders. */
export type ReviewsContext = SubgraphContext<ReviewsStore, { reviews: Reviews }>;

/** Reviews by id (entity references, `review(id)`): one query per request tick. */
export const reviewById = defineLoader({
  name: 'reviewById',
  batch: async (ids: readonly string[], store: ReviewsStore) =>
    alignToKeys(ids, await store.reviewsByIds(ids.filter(isUuid)), (review) => review.id),
});

/**
 * Pages of reviews (`Gig.reviews`, `User.reviewsReceived`), keyed by `reviewPageKey`: the keys of
 * one tick that ask for the same page (list, kind, size, cursor) are read in one statement for
 * all their gigs or users.
 */
export const reviewPagesOf = defineLoader({
  name: 'reviewPagesOf',
  batch: async (keys: readonly string[], store: ReviewsStore): Promise<ReviewRecord[][]> => {
    const groups = new Map<string, string[]>();
    for (const key of keys) {
      const shape = key.slice(key.indexOf('|') + 1);
      groups.set(shape, [...(groups.get(shape) ?? []), key]);
    }
    const pages = new Map<string, ReviewRecord[]>();
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const reads = group.map(parseReviewPageKey);
        const [{ by, kind, take, after }] = reads as [(typeof reads)[number]];
        const ownerIds = reads.map((read) => read.ownerId);
        const rows = await store.reviewPages({ by, ownerIds, kind, take, after });
        const perOwner = groupToKeys(ownerIds, rows, (row) =>
          by === 'gig' ? row.gigId : row.revieweeId,
        );
        group.forEach((key, index) => pages.set(key, perOwner[index] ?? []));
      }),
    );
    return keys.map((key) => pages.get(key) ?? []);
  },
});
