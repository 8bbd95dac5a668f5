import {
  startSubgraphService,
  type RunningService,
  type SubgraphServiceOptions,
} from '@jobber/service-kit';
import type { UsersConfig } from './config.js';
import { createContext } from './context.js';
import { createAccountsConsumer } from './events.js';
import { Profiles } from './profiles.js';
import { resolvers } from './resolvers/index.js';
import { UsersStore, createPrisma } from './store.js';

/** Wires the users subgraph: profile rules on its store and the accounts consumer. */
export function startUsersService(
  config: UsersConfig,
  options: SubgraphServiceOptions = {},
): Promise<RunningService> {
  return startSubgraphService(
    {
      name: 'users',
      settings: config,
      schema: new URL('./schema.graphql', import.meta.url),
      resolvers,
      createPrisma,
      wire({ prisma, relay, transport, logger }) {
        const store = UsersStore.of(prisma);
        const profiles = new Profiles(store, () => relay.nudge());
        return {
          context: (identity, requestLogger) =>
            createContext(identity, requestLogger, profiles, store),
          consumers: [createAccountsConsumer({ prisma, store, transport, logger })],
        };
      },
    },
    options,
  );
}
