import { applyMigrations, prismaDir } from '@jobber/db';
import { loadConfigOrExit } from '@jobber/service-kit';
import { repoRoot, subgraphs } from '@jobber/supergraph';
import { loadLauncherConfig } from './config.js';
import { devKeys } from './dev-keys.js';
import { SupervisedService } from './supervisor.js';

/**
 * `npm start`: applies every subgraph's pending migrations, starts each subgraph as its own
 * process, then the gateway, and prints where to go. A service that crashes is restarted with
 * back-off; one that keeps crashing stops everything (exit 1). Ctrl-C stops everything gracefully.
 */
const config = loadConfigOrExit('launcher', loadLauncherConfig);
const keys = devKeys(config.dataDir);
const services: SupervisedService[] = [];
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  // The gateway first (no new requests reach the subgraphs), then the subgraphs.
  const [gateway, ...subgraphServices] = [...services].reverse();
  if (gateway) await gateway.stop();
  await Promise.all(subgraphServices.map((service) => service.stop()));
  process.exit(code);
}

/** Starts a service, waits until it is ready, and restarts it from then on when it crashes. */
function startService(
  name: string,
  entry: string,
  env: Record<string, string | undefined>,
  readyUrl: string,
): Promise<void> {
  const service = new SupervisedService(
    { name, entry, env, readyUrl },
    { onGiveUp: () => void shutdown(1) },
  );
  services.push(service);
  return service.start();
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

const local = (port: number, path: string) => `http://127.0.0.1:${port}${path}`;

try {
  const started = Date.now();
  for (const { name } of subgraphs) {
    const { applied } = await applyMigrations({
      databaseUrl: config.subgraphs[name].databaseUrl,
      migrationsDir: `${prismaDir(name)}/migrations`,
    });
    if (applied.length) console.log(`${name}: applied ${applied.join(', ')}`);
  }
  const common = {
    ...config.inherited,
    // npm start is for development (services alone default to production).
    NODE_ENV: config.inherited['NODE_ENV'] ?? 'development',
    LOG_LEVEL: config.logLevel,
    AMQP_URL: config.amqpUrl,
    GATEWAY_INTERNAL_PUBLIC_KEY: keys.internal.publicKeyPem,
    AUTH_JWT_PUBLIC_KEY: keys.accessTokens.publicKeyPem,
  };
  await Promise.all(
    subgraphs.map(({ name }) => {
      const { port, adminPort, databaseUrl } = config.subgraphs[name];
      return startService(
        name,
        `${repoRoot}subgraphs/${name}/src/main.ts`,
        {
          ...common,
          PORT: String(port),
          ADMIN_PORT: String(adminPort),
          DATABASE_URL: databaseUrl,
          ...(name === 'auth' ? { AUTH_JWT_PRIVATE_KEY: keys.accessTokens.privateKeyPem } : {}),
        },
        local(adminPort, '/readyz'),
      );
    }),
  );
  await startService(
    'gateway',
    `${repoRoot}gateway/src/main.ts`,
    {
      ...common,
      PORT: String(config.gatewayPort),
      ADMIN_PORT: String(config.gatewayAdminPort),
      GATEWAY_INTERNAL_PRIVATE_KEY: keys.internal.privateKeyPem,
      ...Object.fromEntries(
        subgraphs.map(({ name }) => [
          `${name.toUpperCase()}_URL`,
          local(config.subgraphs[name].port, '/graphql'),
        ]),
      ),
    },
    local(config.gatewayAdminPort, '/readyz'),
  );
  console.log(`\nJobber is up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`  GraphQL:    ${local(config.gatewayPort, '/graphql')}`);
  console.log(
    `  Metrics:    ${local(config.gatewayAdminPort, '/metrics')} (admin port, this host only)\n  Ctrl-C stops everything.\n`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await shutdown(1);
}
