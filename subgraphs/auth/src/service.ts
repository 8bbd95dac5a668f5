import { AmqpTransport, OutboxRelay, type EventTransport } from '@jobber/events';
import {
  createLogger,
  loadTypeDefs,
  startSubgraphServer,
  type Logger,
  type RunningService,
} from '@jobber/service-kit';
import { createAccessTokenIssuer } from './access-tokens.js';
import { Accounts } from './accounts.js';
import type { AuthConfig } from './config.js';
import { createContext } from './context.js';
import { warmUpDummyHash } from './password-hashing.js';
import { resolvers } from './resolvers/index.js';
import { Sessions } from './sessions.js';
import { AuthStore, createPrisma } from './store.js';

export interface AuthServiceOptions {
  logger?: Logger;
  /** An event transport to share (embedded mode); by default one is opened on AMQP_URL. */
  transport?: EventTransport;
  /** Sees every SQL statement (tests count them). */
  onQuery?: (sql: string) => void;
}

const DAY_MS = 86_400_000;

/** Wires the auth subgraph: database, outbox relay, account rules and the HTTP server. */
export async function startAuthService(
  config: AuthConfig,
  options: AuthServiceOptions = {},
): Promise<RunningService> {
  const logger = options.logger ?? createLogger({ service: 'auth', level: config.logLevel });
  const prisma = createPrisma({
    ...config.database,
    ...(options.onQuery ? { onQuery: options.onQuery } : {}),
  });
  const transport =
    options.transport ??
    new AmqpTransport({ ...config.events, url: config.events.amqpUrl, logger });
  const relay = new OutboxRelay({ db: prisma, transport, logger });
  const store = AuthStore.of(prisma);
  const clock = () => new Date();
  const accounts = new Accounts(
    store,
    new Sessions(createAccessTokenIssuer(config.accessTokens), clock),
    () => relay.nudge(),
    clock,
  );

  await warmUpDummyHash();
  relay.start();
  const pruning = setInterval(() => {
    store
      .pruneSignInFailures(new Date(Date.now() - DAY_MS))
      .catch((error: unknown) => logger.warn({ err: error }, 'pruning sign-in failures failed'));
  }, 3_600_000);
  pruning.unref();

  const server = await startSubgraphServer({
    name: 'auth',
    typeDefs: loadTypeDefs(new URL('./schema.graphql', import.meta.url)),
    resolvers,
    host: config.host,
    port: config.port,
    internalPublicKeyPem: config.internalPublicKeyPem,
    logger,
    context: (identity, requestLogger) => createContext(identity, requestLogger, accounts, store),
    readiness: [
      { name: 'database', check: async () => void (await prisma.$queryRaw`SELECT 1`) },
      { name: 'events', check: () => transport.ready() },
    ],
  });

  return {
    ...server,
    consumers: [],
    async stop(graceMs) {
      clearInterval(pruning);
      await server.stop(graceMs);
      await relay.stop();
      if (!options.transport) await transport.close();
      await prisma.$disconnect();
    },
  };
}
