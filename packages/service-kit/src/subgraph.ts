import type { EventTransport, OutboxRelay, TransactionalSqlClient } from '@jobber/events';
import type { EventConnections } from './event-connections.js';
import { loadConfigOrExit } from './env.js';
import type { RequestContext, RequestIdentity } from './identity.js';
import { LoaderRegistry } from './loaders.js';
import { createLogger, type Logger } from './logger.js';
import type { DatabaseSettings } from './prisma.js';
import { stopOnSignals } from './shutdown.js';
import type { SubgraphSettings } from './subgraph-env.js';
import {
  startSubgraphService,
  type ConsumerDefaults,
  type RunningService,
  type SubgraphServiceOptions,
  type SubgraphWiring,
} from './subgraph-service.js';

interface PrismaLike extends TransactionalSqlClient {
  $disconnect(): Promise<void>;
}

/** What `wire` gets: the configuration and what the kit opened (`new <Name>Store(deps)` takes it). */
export interface WireDeps<Config, P> {
  config: Config;
  /** The subgraph's name (its events' producer). */
  name: string;
  prisma: P;
  relay: OutboxRelay;
  transport: EventTransport;
  logger: Logger;
  /**
   * Spread into every EventConsumer's options: the transport, logger, the service's Prometheus
   * metrics and a `concurrency` sized to DATABASE_POOL_SIZE.
   */
  consumerOptions: ConsumerDefaults;
  /** The share of the pool the relay and consumers use (`new <Name>Store(deps)` picks it up). */
  eventConnections: EventConnections;
}

export interface SubgraphDefinition<
  Config extends SubgraphSettings,
  P extends PrismaLike,
  C extends RequestContext,
> {
  name: string;
  /** The subgraph's SDL file: `new URL('./schema.graphql', import.meta.url)`. */
  schema: URL;
  resolvers: object;
  createPrisma: (database: DatabaseSettings, onQuery?: (sql: string) => void) => P;
  /** Reads the environment: `load<Name>Config` from the subgraph's config.ts. */
  loadConfig: () => Config;
  /** Validates an environment record: `parse<Name>Config` (embedded mode gives each subgraph
   * of the one process its own record). */
  parseConfig: (source: Readonly<Record<string, string | undefined>>) => Config;
  /** The subgraph's own part: its store, rules, per-request context and consumers. */
  wire: (deps: WireDeps<Config, P>) => SubgraphWiring<C> | Promise<SubgraphWiring<C>>;
}

/** A subgraph as main.ts, tests and embedded mode start it. */
export interface Subgraph<Config> {
  name: string;
  loadConfig: () => Config;
  parseConfig: (source: Readonly<Record<string, string | undefined>>) => Config;
  start: (config: Config, options?: SubgraphServiceOptions) => Promise<RunningService>;
}

export function defineSubgraph<
  Config extends SubgraphSettings,
  P extends PrismaLike,
  C extends RequestContext,
>(definition: SubgraphDefinition<Config, P, C>): Subgraph<Config> {
  const { name, schema, resolvers, createPrisma, loadConfig, parseConfig, wire } = definition;
  return {
    name,
    loadConfig,
    parseConfig,
    start: (config, options = {}) =>
      startSubgraphService(
        {
          name,
          settings: config,
          schema,
          resolvers,
          createPrisma,
          wire: (deps) => wire({ ...deps, config, name }),
        },
        options,
      ),
  };
}

/**
 * A subgraph's whole main.ts: loads the configuration (a bad value exits naming the variable),
 * starts the service and stops it on SIGTERM/SIGINT.
 */
export async function runSubgraph<Config extends SubgraphSettings>(
  subgraph: Subgraph<Config>,
): Promise<void> {
  const config = loadConfigOrExit(subgraph.name, subgraph.loadConfig);
  const logger = createLogger({ service: subgraph.name, level: config.logLevel });
  const service = await subgraph.start(config, { logger });
  stopOnSignals(logger, () => service.stop());
}

/** A subgraph's per-request context: the identity, the request's logger, fresh loaders and its rules. */
export type SubgraphContext<LoaderDeps, Rules extends object> = RequestIdentity &
  RequestContext & { loaders: LoaderRegistry<LoaderDeps> } & Rules;

/** `wire`'s `context`: every request gets its own DataLoaders on `loaderDeps` (the store). */
export function subgraphContext<LoaderDeps, Rules extends object>(
  loaderDeps: LoaderDeps,
  rules: Rules,
): (identity: RequestIdentity, logger: Logger) => SubgraphContext<LoaderDeps, Rules> {
  return (identity, logger) => ({
    ...identity,
    logger,
    loaders: new LoaderRegistry(loaderDeps),
    ...rules,
  });
}
