import {
  alignToKeys,
  defineLoader,
  groupToKeys,
  isUuid,
  type SubgraphContext,
} from '@jobber/service-kit';
import { parseGigPageKey, type GigRecord, type Gigs } from './gigs.js';
import type { SearchIndex } from './search/search-index.js';
import type { GigsStore } from './store.js';

/** What every gigs resolver receives: the caller, the gig rules, the search index and loaders. */
export type GigsContext = SubgraphContext<GigsStore, { gigs: Gigs; search: SearchIndex }>;

/** Gigs by id: one query per request tick (search pages, similar, top rated, references). */
export const gigById = defineLoader({
  name: 'gigById',
  batch: async (ids: readonly string[], store: GigsStore) =>
    alignToKeys(ids, await store.gigsByIds(ids.filter(isUuid)), (gig) => gig.id),
});

/**
 * Sellers' pages of gigs (`User.gigs`), keyed by `gigPageKey`: the keys of one tick that ask for
 * the same page (active flag, size, cursor) are read in one statement for all their sellers.
 */
export const gigsOfSeller = defineLoader({
  name: 'gigsOfSeller',
  batch: async (keys: readonly string[], store: GigsStore): Promise<GigRecord[][]> => {
    const groups = new Map<string, string[]>();
    for (const key of keys) {
      const shape = key.slice(key.indexOf('|') + 1);
      groups.set(shape, [...(groups.get(shape) ?? []), key]);
    }
    const rows = new Map<string, GigRecord[]>();
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const pages = group.map(parseGigPageKey);
        const [{ active, take, after }] = pages as [(typeof pages)[number]];
        const sellerIds = pages.map((page) => page.sellerId);
        const gigs = await store.gigsPages({ sellerIds, active, take, after });
        const perSeller = groupToKeys(sellerIds, gigs, (gig) => gig.sellerId);
        group.forEach((key, index) => rows.set(key, perSeller[index] ?? []));
      }),
    );
    return keys.map((key) => rows.get(key) ?? []);
  },
});
