import type { ChildProcess } from 'node:child_process';
import { applyMigrations, prismaDir } from '@jobber/db';
import { defaultSubgraphUrl, repoRoot, subgraphs } from '@jobber/supergraph';
import { loadLauncherConfig } from './config.js';
import { devKeys } from './dev-keys.js';
import { startProcess, stopAll, waitUntilReady } from './processes.js';

/**
 * `npm start`: applies every subgraph's pending migrations, starts each subgraph as its own
 * process, then the gateway, and prints where to go. Ctrl-C stops everything gracefully.
 */
const config = loadLauncherConfig();
const keys = devKeys(`${repoRoot}${config.JOBBER_DATA_DIR}`);
const children: ChildProcess[] = [];
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  // The gateway first (no new requests reach the subgraphs), then the subgraphs.
  const [gateway, ...subgraphProcesses] = [...children].reverse();
  if (gateway) await stopAll([gateway]);
  await stopAll(subgraphProcesses);
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

function databaseUrl(name: string): string {
  return (
    config.inherited[`${name.toUpperCase()}_DATABASE_URL`] ||
    `postgresql://postgres@127.0.0.1:5432/jobber_${name}`
  );
}

try {
  const started = Date.now();
  for (const { name } of subgraphs) {
    const { applied } = await applyMigrations({
      databaseUrl: databaseUrl(name),
      migrationsDir: `${prismaDir(name)}/migrations`,
    });
    if (applied.length) console.log(`${name}: applied ${applied.join(', ')}`);
  }
  const common = {
    ...config.inherited,
    NODE_ENV: config.inherited['NODE_ENV'] ?? 'development',
    LOG_LEVEL: config.LOG_LEVEL,
    AMQP_URL: config.AMQP_URL,
    GATEWAY_INTERNAL_PUBLIC_KEY: keys.internal.publicKeyPem,
    AUTH_JWT_PUBLIC_KEY: keys.accessTokens.publicKeyPem,
  };
  await Promise.all(
    subgraphs.map(({ name, port }) => {
      const child = startProcess(name, `${repoRoot}subgraphs/${name}/src/main.ts`, {
        ...common,
        PORT: String(port),
        DATABASE_URL: databaseUrl(name),
        ...(name === 'auth' ? { AUTH_JWT_PRIVATE_KEY: keys.accessTokens.privateKeyPem } : {}),
      });
      children.push(child);
      return waitUntilReady(name, defaultSubgraphUrl(name).replace(/\/graphql$/, '/readyz'), child);
    }),
  );
  const gateway = startProcess('gateway', `${repoRoot}gateway/src/main.ts`, {
    ...common,
    PORT: String(config.GATEWAY_PORT),
    GATEWAY_INTERNAL_PRIVATE_KEY: keys.internal.privateKeyPem,
  });
  children.push(gateway);
  await waitUntilReady('gateway', `http://127.0.0.1:${config.GATEWAY_PORT}/readyz`, gateway);
  console.log(`\nJobber is up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`  GraphQL:    http://127.0.0.1:${config.GATEWAY_PORT}/graphql`);
  console.log(
    `  Metrics:    http://127.0.0.1:${config.GATEWAY_PORT}/metrics\n  Ctrl-C stops everything.\n`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await shutdown(1);
}
