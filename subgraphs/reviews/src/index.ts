export { loadReviewsConfig, parseReviewsConfig, type ReviewsConfig } from './config.js';
export { startReviewsService, subgraph } from './service.js';
