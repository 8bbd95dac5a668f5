import { subgraphConfig } from '@jobber/service-kit';

/** The kit's variables; reviews has none of its own. */
export const parseReviewsConfig = subgraphConfig({ port: 4006 });
export type ReviewsConfig = ReturnType<typeof parseReviewsConfig>;

export const loadReviewsConfig = (): ReviewsConfig => parseReviewsConfig(process.env);
