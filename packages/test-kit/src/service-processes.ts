import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from '@jobber/supergraph';
import { childProcessEnv } from './config.js';
import type { TestEventNames } from './event-bus.js';
import type { SupergraphKeys } from './keys.js';
import { freePort } from './free-port.js';

/** A service of the repository running in a Node process of its own (its production main.ts). */
export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  port: number;
  adminPort: number;
  url: string;
  adminUrl: string;
}

/**
 * What a subgraph's production main.ts needs besides its DATABASE_URL to run here as deployed
 * (NODE_ENV=production): the broker names, the gateway's public key and auth's signing key,
 * test payments on purpose (orders refuses the sandbox otherwise) and mail kept in
 * notifications' database with links to a local gateway.
 */
export function productionSubgraphEnv(
  keys: SupergraphKeys,
  events: TestEventNames,
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'error',
    AMQP_URL: events.amqpUrl,
    EVENTS_EXCHANGE: events.exchange,
    EVENTS_QUEUE_PREFIX: events.queuePrefix,
    GATEWAY_INTERNAL_PUBLIC_KEY: keys.internal.publicKeyPem,
    AUTH_JWT_PRIVATE_KEY: keys.accessTokens.privateKeyPem,
    ORDERS_PAYMENTS: 'sandbox',
    NOTIFICATIONS_MAIL: 'dev-mailbox',
    PUBLIC_URL: 'http://localhost:4000',
  };
}

/**
 * Starts `entry` (a path from the repository root, e.g. `subgraphs/auth/src/main.ts`) from its
 * TypeScript source with `env` on top of this process's environment, on ports of its own, and
 * waits until its /readyz answers 200 (at most `timeoutMs`). Its stdout is this process's, or
 * dropped with `quiet` (stderr always shows); `nodeFlags` go to node (e.g. `--cpu-prof`).
 */
export async function startServiceProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  timeoutMs = 60_000,
  { quiet = false, nodeFlags = [] }: { quiet?: boolean; nodeFlags?: string[] } = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  const adminPort = await freePort();
  const child = spawn(
    process.execPath,
    [...nodeFlags, '--conditions=@jobber/source', '--import', 'tsx', `${repoRoot}${entry}`],
    {
      env: childProcessEnv({
        ...env,
        HOST: '127.0.0.1',
        PORT: String(port),
        ADMIN_HOST: '127.0.0.1',
        ADMIN_PORT: String(adminPort),
      }),
      stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'],
    },
  );
  const service: ServiceProcess = {
    name,
    child,
    port,
    adminPort,
    url: `http://127.0.0.1:${port}/graphql`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} stopped while starting (${child.signalCode ?? child.exitCode})`);
    }
    try {
      if ((await fetch(`${service.adminUrl}/readyz`)).ok) return service;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopServiceProcess(service);
      throw new Error(`${name} was not ready after ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** SIGTERM (the service stops gracefully), SIGKILL if it is still running after `killAfterMs`. */
export async function stopServiceProcess(
  service: ServiceProcess,
  killAfterMs = 10_000,
): Promise<void> {
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await exited;
  clearTimeout(timer);
}
