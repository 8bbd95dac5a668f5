import { AmqpTransport, OutboxRelay, type EventTransport } from '@jobber/events';
import {
  createLogger,
  loadTypeDefs,
  startSubgraphServer,
  type Logger,
  type RunningService,
} from '@jobber/service-kit';
import type { UsersConfig } from './config.js';
import { createContext } from './context.js';
import { createAccountsConsumer } from './events.js';
import { Profiles } from './profiles.js';
import { resolvers } from './resolvers/index.js';
import { UsersStore, createPrisma } from './store.js';

export interface UsersServiceOptions {
  logger?: Logger;
  /** An event transport to share (embedded mode); by default one is opened on AMQP_URL. */
  transport?: EventTransport;
  /** Sees every SQL statement (tests count them). */
  onQuery?: (sql: string) => void;
}

/** Wires the users subgraph: database, outbox relay, the accounts consumer and the HTTP server. */
export async function startUsersService(
  config: UsersConfig,
  options: UsersServiceOptions = {},
): Promise<RunningService> {
  const logger = options.logger ?? createLogger({ service: 'users', level: config.logLevel });
  const prisma = createPrisma({
    ...config.database,
    ...(options.onQuery ? { onQuery: options.onQuery } : {}),
  });
  const transport =
    options.transport ??
    new AmqpTransport({ ...config.events, url: config.events.amqpUrl, logger });
  const relay = new OutboxRelay({ db: prisma, transport, logger });
  const store = UsersStore.of(prisma);
  const profiles = new Profiles(store, () => relay.nudge());
  const consumer = createAccountsConsumer({ prisma, store, transport, logger });

  relay.start();
  await consumer.start();

  const server = await startSubgraphServer({
    name: 'users',
    typeDefs: loadTypeDefs(new URL('./schema.graphql', import.meta.url)),
    resolvers,
    host: config.host,
    port: config.port,
    internalPublicKeyPem: config.internalPublicKeyPem,
    logger,
    context: (identity, requestLogger) => createContext(identity, requestLogger, profiles, store),
    readiness: [
      { name: 'database', check: async () => void (await prisma.$queryRaw`SELECT 1`) },
      { name: 'events', check: () => transport.ready() },
    ],
  });

  let stopping: Promise<void> | undefined;
  return {
    ...server,
    consumers: [consumer.name],
    stop(graceMs) {
      stopping ??= (async () => {
        await server.stop(graceMs);
        await consumer.stop();
        await relay.stop();
        if (!options.transport) await transport.close();
        await prisma.$disconnect();
      })();
      return stopping;
    },
  };
}
