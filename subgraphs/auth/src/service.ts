import {
  startSubgraphService,
  type RunningService,
  type SubgraphServiceOptions,
} from '@jobber/service-kit';
import { createAccessTokenIssuer } from './access-tokens.js';
import { Accounts } from './accounts.js';
import type { AuthConfig } from './config.js';
import { createContext } from './context.js';
import { warmUpDummyHash } from './password-hashing.js';
import { resolvers } from './resolvers/index.js';
import { Sessions } from './sessions.js';
import { AuthStore, createPrisma } from './store.js';

const DAY_MS = 86_400_000;

/** Wires the auth subgraph: account rules on its store, behind the service kit's lifecycle. */
export function startAuthService(
  config: AuthConfig,
  options: SubgraphServiceOptions = {},
): Promise<RunningService> {
  return startSubgraphService(
    {
      name: 'auth',
      settings: config,
      schema: new URL('./schema.graphql', import.meta.url),
      resolvers,
      createPrisma,
      async wire({ prisma, relay, logger }) {
        const store = AuthStore.of(prisma);
        const clock = () => new Date();
        const sessions = new Sessions(createAccessTokenIssuer(config.accessTokens), clock);
        const accounts = new Accounts(store, sessions, () => relay.nudge(), clock);
        await warmUpDummyHash();
        // Failed sign-ins older than a day no longer count for anything.
        const pruning = setInterval(() => {
          store
            .pruneSignInFailures(new Date(Date.now() - DAY_MS))
            .catch((error: unknown) =>
              logger.warn({ err: error }, 'pruning sign-in failures failed'),
            );
        }, 3_600_000);
        pruning.unref();
        return {
          context: (identity, requestLogger) =>
            createContext(identity, requestLogger, accounts, store),
          onStop: () => clearInterval(pruning),
        };
      },
    },
    options,
  );
}
