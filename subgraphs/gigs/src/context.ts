import { alignToKeys, defineLoader, isUuid, type SubgraphContext } from '@jobber/service-kit';
import type { Gigs } from './gigs.js';
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
