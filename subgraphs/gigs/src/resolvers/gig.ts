import type { GigResolvers } from '../generated/graphql.js';
import { gigById } from '../context.js';

export const Gig: GigResolvers = {
  // Inactive gigs resolve only for their seller.
  __resolveReference: async (reference, { loaders, viewer }) => {
    const gig = await loaders.get(gigById).load(reference.id);
    return gig && (gig.active || gig.sellerId === viewer?.id) ? gig : null;
  },
  seller: (gig) => ({ id: gig.sellerId }),
  price: (gig) => ({ amountCents: gig.priceCents, currency: gig.currency }),
  rating: ({ rating }) => ({
    count: rating.count,
    average: rating.count > 0 ? rating.sum / rating.count : null,
    counts: rating.counts,
  }),
};
