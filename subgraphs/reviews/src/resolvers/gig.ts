import type { GigResolvers } from '../generated/graphql.js';
import { reviewPagesOf } from '../context.js';
import { reviewPageKey } from '../reviews.js';
import { reviewPages } from '../pages.js';

/** gigs owns Gig; reviews adds its buyers' reviews (many gigs' pages in one statement). */
export const Gig: GigResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  reviews: async (gig, args, { reviews, loaders }) => {
    const { request, read } = reviews.gigReviewsPage(gig.id, args);
    const rows = read ? await loaders.get(reviewPagesOf).load(reviewPageKey(read)) : [];
    return reviewPages.connection(rows, request);
  },
};
