import { relative } from 'node:path';
import { loadConfigOrExit } from '@jobber/service-kit';
import { repoRoot } from '@jobber/supergraph';
import { loadLauncherConfig } from './config.js';
import { devKeys } from './dev-keys.js';
import { startEmbedded } from './embedded.js';
import { local } from './service-env.js';
import { startServices } from './services.js';
import { StopList } from './stop-list.js';

/**
 * `npm start`: the whole supergraph on this machine, in embedded mode (one process, an embedded
 * PostgreSQL, events in process) or services mode (a process per service on the configured
 * PostgreSQL and RabbitMQ); config.ts says which. Prints where to go once everything is ready.
 * Ctrl-C stops everything gracefully and exits 0.
 */
const config = loadConfigOrExit('launcher', loadLauncherConfig);
const keys = devKeys(config.dataDir);
const running = new StopList();
let stopping = false;

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  await running.stopAll();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  let mode: string;
  if (config.mode === 'embedded') {
    const { postgresCreated } = await startEmbedded(config, keys, running);
    const inRepo = relative(repoRoot, config.embeddedPostgres.dir);
    const where = inRepo.startsWith('..') ? config.embeddedPostgres.dir : inRepo;
    mode = `embedded: PostgreSQL on 127.0.0.1:${config.embeddedPostgres.port} ${postgresCreated ? 'created in' : 'kept in'} ${where}, events in process`;
  } else {
    await startServices(config, keys, running, () => void shutdown(1));
    mode = 'services: a process per service, on the configured PostgreSQL and RabbitMQ';
  }
  if (stopping) throw new Error('stopped while starting');
  const graphql = local(config.gatewayPort, '/graphql');
  // Time since this process started: what a person waits after typing `npm start` (less npm's own).
  console.log(`\nJobber is up in ${process.uptime().toFixed(1)} s (${mode})`);
  console.log(`  GraphQL:    ${graphql}`);
  console.log(`  Playground: ${graphql} (open it in a browser)`);
  console.log(
    `  Metrics:    ${local(config.gatewayAdminPort, '/metrics')} (admin port, this host only)\n  Ctrl-C stops everything.\n`,
  );
} catch (error) {
  if (!stopping) {
    console.error(error instanceof Error ? error.message : error);
    await shutdown(1);
  }
}
