import { defineSubgraph, subgraphContext } from '@jobber/service-kit';
import { loadReviewsConfig, parseReviewsConfig } from './config.js';
import { createOrdersConsumer } from './events.js';
import { resolvers } from './resolvers/index.js';
import { Reviews } from './reviews.js';
import { ReviewsStore, createPrisma } from './store.js';

/** The reviews subgraph: review rules on its store and the completed-orders consumer. */
export const subgraph = defineSubgraph({
  name: 'reviews',
  schema: new URL('./schema.graphql', import.meta.url),
  resolvers,
  createPrisma,
  loadConfig: loadReviewsConfig,
  parseConfig: parseReviewsConfig,
  wire(deps) {
    const store = new ReviewsStore(deps);
    return {
      context: subgraphContext(store, { reviews: new Reviews(store) }),
      consumers: [createOrdersConsumer({ ...deps, store })],
    };
  },
});

export const startReviewsService = subgraph.start;
