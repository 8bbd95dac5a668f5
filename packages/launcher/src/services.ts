import { applyMigrations, prismaDir } from '@jobber/db';
import { repoRoot, subgraphs } from '@jobber/supergraph';
import type { LauncherConfig } from './config.js';
import type { DevKeys } from './dev-keys.js';
import { gatewayEnv, local, subgraphEnv, subgraphUrls } from './service-env.js';
import type { StopList } from './stop-list.js';
import { SupervisedService } from './supervisor.js';

/**
 * Services mode (`npm run start:services`): applies every subgraph's pending migrations on the
 * configured PostgreSQL, starts each subgraph as its own process on the configured RabbitMQ,
 * then the gateway. A service that crashes is restarted with back-off; one that keeps crashing
 * calls `onGiveUp` (the launcher stops everything, exit 1).
 */
export async function startServices(
  config: LauncherConfig,
  keys: DevKeys,
  running: StopList,
  onGiveUp: () => void,
): Promise<void> {
  for (const { name } of subgraphs) {
    const { applied } = await applyMigrations({
      databaseUrl: config.subgraphs[name].databaseUrl,
      migrationsDir: `${prismaDir(name)}/migrations`,
    });
    if (applied.length) console.log(`${name}: applied ${applied.join(', ')}`);
  }
  const supervise = (
    name: string,
    entry: string,
    env: Record<string, string | undefined>,
    readyUrl: string,
  ) => new SupervisedService({ name, entry, env, readyUrl }, { onGiveUp });

  const subgraphServices = subgraphs.map(({ name }) =>
    supervise(
      name,
      `${repoRoot}subgraphs/${name}/src/main.ts`,
      subgraphEnv(config, keys, name, config.subgraphs[name].databaseUrl),
      local(config.subgraphs[name].adminPort, '/readyz'),
    ),
  );
  // The gateway is stopped first (no new requests reach the subgraphs), then the subgraphs.
  running.add(() => Promise.all(subgraphServices.map((service) => service.stop())));
  await Promise.all(subgraphServices.map((service) => service.start()));
  const gateway = supervise(
    'gateway',
    `${repoRoot}gateway/src/main.ts`,
    gatewayEnv(config, keys, subgraphUrls(config)),
    local(config.gatewayAdminPort, '/readyz'),
  );
  running.add(() => gateway.stop());
  await gateway.start();
}
