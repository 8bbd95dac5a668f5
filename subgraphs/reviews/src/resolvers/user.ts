import type { UserResolvers } from '../generated/graphql.js';
import { reviewPagesOf } from '../context.js';
import { reviewPageKey } from '../reviews.js';
import { reviewPages } from '../pages.js';

/** auth owns User; reviews adds the reviews the user received (many users in one statement). */
export const User: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  reviewsReceived: async (user, { kind, ...args }, { reviews, loaders }) => {
    const { request, read } = reviews.receivedReviewsPage(user.id, kind, args);
    const rows = read ? await loaders.get(reviewPagesOf).load(reviewPageKey(read)) : [];
    return reviewPages.connection(rows, request);
  },
};
