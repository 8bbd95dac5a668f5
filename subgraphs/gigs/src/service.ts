import { defineSubgraph, subgraphContext } from '@jobber/service-kit';
import { loadGigsConfig, parseGigsConfig } from './config.js';
import {
  createRatingsConsumer,
  createSearchIndexConsumer,
  createSellersConsumer,
} from './events.js';
import { Gigs } from './gigs.js';
import { resolvers } from './resolvers/index.js';
import { searchIndexFromConfig } from './search/index-from-config.js';
import { GigsStore, createPrisma } from './store.js';

/** The gigs subgraph: gig rules on its store, search behind SearchIndex, and its consumers. */
export const subgraph = defineSubgraph({
  name: 'gigs',
  schema: new URL('./schema.graphql', import.meta.url),
  resolvers,
  createPrisma,
  loadConfig: loadGigsConfig,
  parseConfig: parseGigsConfig,
  wire(deps) {
    const store = new GigsStore(deps);
    const index = searchIndexFromConfig(deps.config, { db: deps.prisma });
    const consumerDeps = {
      store,
      index,
      logger: deps.logger,
      consumerOptions: deps.consumerOptions,
    };
    return {
      context: subgraphContext(store, { gigs: new Gigs(store), search: index }),
      consumers: [
        createSellersConsumer(consumerDeps),
        createRatingsConsumer(consumerDeps),
        createSearchIndexConsumer(consumerDeps),
      ],
      readiness: [
        { name: `search-${index.name}`, check: () => index.check(), critical: index.critical },
      ],
      onStop: () => index.close(),
    };
  },
});

export const startGigsService = subgraph.start;
