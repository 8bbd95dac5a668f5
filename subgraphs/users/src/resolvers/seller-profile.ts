import type { SellerProfileResolvers } from '../generated/graphql.js';
import { averageRating } from '../profiles.js';

export const SellerProfile: SellerProfileResolvers = {
  // A reference: the gateway resolves the account's own fields at auth.
  user: (seller) => ({ id: seller.userId }),
  stats: ({ stats }) => ({ ...stats, ratingAverage: averageRating(stats) }),
};
