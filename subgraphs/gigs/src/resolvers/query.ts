import type { QueryResolvers } from '../generated/graphql.js';
import { gigById } from '../context.js';
import type { GigRecord } from '../gigs.js';
import { isUuid, listSize, searchQuery } from '../search-args.js';
import { encodeSearchCursor } from '../search/cursor.js';
import { isKnownCategorySlug } from '../categories.js';

/**
 * The index answers with ids; the gigs come from the table in one batch, and anything no longer
 * active (or gone) is dropped, so a stale document never shows a hidden gig.
 */
export const Query: QueryResolvers = {
  gig: async (_parent, { id }, { loaders, viewer }) => {
    const gig = await loaders.get(gigById).load(id);
    return gig && (gig.active || gig.sellerId === viewer?.id) ? gig : null;
  },
  searchGigs: async (_parent, args, { search, loaders }) => {
    const query = searchQuery(args);
    const result = await search.search(query);
    const gigs = await loaders.get(gigById).loadMany(result.hits.map((hit) => hit.gigId));
    const edges = result.hits.flatMap((hit, index) => {
      const gig = gigs[index];
      if (!gig || gig instanceof Error || !gig.active) return [];
      const cursor = encodeSearchCursor({
        sort: query.sort,
        value: hit.sortValue,
        gigId: hit.gigId,
      });
      return [{ cursor, node: gig }];
    });
    const last = result.hits.at(-1);
    return {
      edges,
      pageInfo: {
        hasNextPage: result.hasNextPage,
        endCursor: last
          ? encodeSearchCursor({ sort: query.sort, value: last.sortValue, gigId: last.gigId })
          : null,
      },
      totalCount: result.totalCount,
      facets: result.facets,
    };
  },
  similarGigs: async (_parent, { gigId, first }, { search, loaders }) => {
    const size = listSize(first);
    if (!isUuid(gigId)) return [];
    return activeGigs(
      await loaders
        .get(gigById)
        .loadMany((await search.similar(gigId, size)).map((hit) => hit.gigId)),
    );
  },
  topRatedGigs: async (_parent, { category, first }, { search, loaders }) => {
    const size = listSize(first);
    const slug = category?.trim() || null;
    if (slug && !isKnownCategorySlug(slug)) return [];
    return activeGigs(
      await loaders
        .get(gigById)
        .loadMany((await search.topRated(slug, size)).map((hit) => hit.gigId)),
    );
  },
};

function activeGigs(gigs: readonly (GigRecord | null | Error)[]): GigRecord[] {
  return gigs.filter((gig): gig is GigRecord => !!gig && !(gig instanceof Error) && gig.active);
}
