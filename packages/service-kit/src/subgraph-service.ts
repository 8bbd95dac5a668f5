import {
  AmqpTransport,
  InProcessTransport,
  OutboxRelay,
  consumerTopology,
  deadLetterDepth,
  type ConsumerTopology,
  type EventConsumerOptions,
  type EventTransport,
  type TransactionalSqlClient,
} from '@jobber/events';
import {
  EventConnections,
  consumerConcurrency,
  eventConnectionBudget,
} from './event-connections.js';
import { createEventMetrics, type DeadLetterReader } from './event-metrics.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import type { DatabaseSettings } from './prisma.js';
import type { RequestContext, RequestIdentity } from './identity.js';
import type { ReadinessCheck } from './readiness.js';
import { loadTypeDefs } from './schema-file.js';
import type { SubgraphSettings } from './subgraph-env.js';
import type { HttpRoute, RunningServer, StopReport } from './http-service.js';
import { startSubgraphServer } from './subgraph-server.js';

/** A started subgraph service: its server plus the event consumers (queue names) it runs. */
export interface RunningService extends RunningServer {
  consumers: readonly string[];
}

/** What `start<Name>Service` accepts besides its configuration (tests and embedded mode use it). */
export interface SubgraphServiceOptions {
  logger?: Logger;
  /** An event transport to share (embedded mode); by default one is opened on AMQP_URL. */
  transport?: EventTransport;
  /** Sees every SQL statement (tests count them). */
  onQuery?: (sql: string) => void;
}

interface PrismaLike extends TransactionalSqlClient {
  $disconnect(): Promise<void>;
}

interface Startable {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * What every EventConsumer of the subgraph takes from the kit; spread it into the options:
 * `new EventConsumer({ ...deps.consumerOptions, name, db: store.consumerDb, handlers })`.
 * It reports to the service's /metrics and runs at most `concurrency` transactions, sized to
 * DATABASE_POOL_SIZE (event-connections.ts).
 */
export type ConsumerDefaults = Required<
  Pick<EventConsumerOptions<never>, 'transport' | 'logger' | 'metrics' | 'concurrency'>
>;

/** The subgraph's own part, built once the database, relay and transport exist. */
export interface SubgraphWiring<C extends RequestContext> {
  /** The per-request context (fresh DataLoaders live here). */
  context: (identity: RequestIdentity, logger: Logger) => C;
  /** Event consumers to run (started before the server listens, stopped after it closes). */
  consumers?: Startable[];
  /**
   * More things the subgraph needs to serve (a search index, a mail server), beside its
   * database. `critical: false` shows an outage in /readyz's body without making it 503.
   */
  readiness?: ReadinessCheck[];
  /**
   * Extra HTTP routes beside /graphql with the raw body (payment webhooks), not behind the
   * internal credential: the handler checks the sender (a webhook signature) itself.
   */
  routes?: HttpRoute[];
  /** Background work to end on stop (timers, clients), awaited after consumers and relay stop. */
  onStop?: () => void | Promise<void>;
}

export interface SubgraphServiceDefinition<P extends PrismaLike, C extends RequestContext> {
  name: string;
  settings: SubgraphSettings;
  /** The subgraph's SDL file: `new URL('./schema.graphql', import.meta.url)`. */
  schema: URL;
  resolvers: object;
  createPrisma: (database: DatabaseSettings, onQuery?: (sql: string) => void) => P;
  wire: (deps: {
    prisma: P;
    relay: OutboxRelay;
    transport: EventTransport;
    logger: Logger;
    /** Spread into every consumer's options (metrics, concurrency sized to the pool). */
    consumerOptions: ConsumerDefaults;
    /** What the relay and consumers share of the pool; `SubgraphStore.consumerDb` uses it. */
    eventConnections: EventConnections;
  }) => SubgraphWiring<C> | Promise<SubgraphWiring<C>>;
}

/**
 * The life of every subgraph process, in one place: database, outbox relay, consumers and the
 * HTTP server start in that order; `stop()` drains HTTP, stops consumers and the relay, then
 * closes the broker connection and the pool.
 */
export async function startSubgraphService<P extends PrismaLike, C extends RequestContext>(
  definition: SubgraphServiceDefinition<P, C>,
  options: SubgraphServiceOptions = {},
): Promise<RunningService> {
  const { settings, name } = definition;
  const logger = options.logger ?? createLogger({ service: name, level: settings.logLevel });
  const prisma = definition.createPrisma(settings.database, options.onQuery);
  const transport =
    options.transport ??
    new AmqpTransport({ ...settings.events, url: settings.events.amqpUrl, logger });
  const metrics = createMetrics(name);
  // The relay and every consumer together hold at most this many of the pool's connections.
  const poolSize = settings.database.poolSize;
  const eventConnections = new EventConnections(eventConnectionBudget(poolSize));
  let consumers: Startable[] = [];
  const eventMetrics = createEventMetrics({
    registry: metrics.registry,
    deadLetterQueues: () => consumers.map((consumer) => consumer.name).filter(hasDeadLetters),
    readDeadLetters: deadLetterReader(transport, settings),
    logger,
  });
  const relay = new OutboxRelay({
    db: eventConnections.wrap(prisma),
    transport,
    logger,
    metrics: eventMetrics,
  });
  const consumerOptions: ConsumerDefaults = {
    transport,
    logger,
    metrics: eventMetrics,
    concurrency: consumerConcurrency(poolSize),
  };
  const wiring = await definition.wire({
    prisma,
    relay,
    transport,
    logger,
    consumerOptions,
    eventConnections,
  });
  consumers = wiring.consumers ?? [];

  relay.start();
  for (const consumer of consumers) await consumer.start();
  const server = await startSubgraphServer({
    name,
    typeDefs: loadTypeDefs(definition.schema),
    resolvers: definition.resolvers,
    host: settings.host,
    port: settings.port,
    admin: settings.admin,
    internalPublicKeyPem: settings.internalPublicKeyPem,
    logger,
    metrics,
    context: wiring.context,
    routes: wiring.routes ?? [],
    readiness: [
      // Ready means the database answers: without it nothing can be served.
      { name: 'database', check: async () => void (await prisma.$queryRawUnsafe('SELECT 1')) },
      // A broker outage degrades, not cascades: the outbox keeps events until it is back.
      { name: 'events', check: () => transport.ready(), critical: false },
      ...(wiring.readiness ?? []),
    ],
  });

  let stopping: Promise<StopReport> | undefined;
  return {
    ...server,
    consumers: consumers.map((consumer) => consumer.name),
    stop(graceMs) {
      stopping ??= (async () => {
        const report = await server.stop(graceMs);
        for (const consumer of consumers) await consumer.stop();
        await relay.stop();
        await wiring.onStop?.();
        if (!options.transport) await transport.close();
        await prisma.$disconnect();
        return report;
      })();
      return stopping;
    },
  };
}

/** Broadcast consumers have no dead-letter queue. */
function hasDeadLetters(queue: string): boolean {
  const listed: ConsumerTopology = consumerTopology;
  return listed.find((entry) => entry.name === queue)?.delivery !== 'broadcast';
}

/** The dead-letter depth of a consumer queue: from the broker, or the in-process bus's list. */
function deadLetterReader(
  transport: EventTransport,
  settings: SubgraphSettings,
): DeadLetterReader | undefined {
  if (transport instanceof InProcessTransport) {
    return async (queue) => transport.deadLetters.filter((letter) => letter.queue === queue).length;
  }
  if (transport instanceof AmqpTransport) {
    const { amqpUrl, queuePrefix } = settings.events;
    return (queue) => deadLetterDepth(amqpUrl, queuePrefix + queue);
  }
  return undefined;
}
