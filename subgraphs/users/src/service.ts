import { defineSubgraph, subgraphContext } from '@jobber/service-kit';
import { loadUsersConfig, parseUsersConfig } from './config.js';
import {
  createAccountsConsumer,
  createGigCountsConsumer,
  createOrdersConsumer,
  createRatingsConsumer,
} from './events.js';
import { Profiles } from './profiles.js';
import { resolvers } from './resolvers/index.js';
import { UsersStore, createPrisma } from './store.js';

/** The users subgraph: profile rules on its store and the accounts, gig-count and orders consumers. */
export const subgraph = defineSubgraph({
  name: 'users',
  schema: new URL('./schema.graphql', import.meta.url),
  resolvers,
  createPrisma,
  loadConfig: loadUsersConfig,
  parseConfig: parseUsersConfig,
  wire(deps) {
    const store = new UsersStore(deps);
    return {
      context: subgraphContext(store, { profiles: new Profiles(store) }),
      consumers: [
        createAccountsConsumer({ ...deps, store }),
        createGigCountsConsumer({ ...deps, store }),
        createOrdersConsumer({ ...deps, store }),
        createRatingsConsumer({ ...deps, store }),
      ],
    };
  },
});

export const startUsersService = subgraph.start;
