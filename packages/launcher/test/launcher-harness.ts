import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  childProcessEnv,
  freePort,
  type TestDatabase,
  type TestEventNames,
} from '@jobber/test-kit';

// `npm start` in services mode as the launcher tests run it: its own process, free ports, the test's databases,
// exchange and data folder, and everything it prints kept.

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export type ServiceName =
  'gateway' | 'auth' | 'users' | 'gigs' | 'chat' | 'orders' | 'reviews' | 'notifications';

export interface Launcher {
  process: ChildProcess;
  /** Public ports by service. */
  ports: Record<ServiceName, number>;
  /** Admin ports (health, readiness, metrics) by service. */
  adminPorts: Record<ServiceName, number>;
  /** Everything it printed so far (its own lines and its services'). */
  output(): string;
  /** The pids of every `<service>: started (pid N)` line so far, oldest first. */
  pids(service: ServiceName): number[];
}

/** Resolves with the exit code (null when a signal ended it) once the process has exited. */
export function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function freePorts(): Promise<Record<ServiceName, number>> {
  return {
    gateway: await freePort(),
    auth: await freePort(),
    users: await freePort(),
    gigs: await freePort(),
    chat: await freePort(),
    orders: await freePort(),
    reviews: await freePort(),
    notifications: await freePort(),
  };
}

/** Spawns the launcher on free ports; it is up once its output says "Jobber is up". */
export async function spawnLauncher(options: {
  databases: {
    auth: TestDatabase;
    users: TestDatabase;
    gigs: TestDatabase;
    chat: TestDatabase;
    orders: TestDatabase;
    reviews: TestDatabase;
    notifications: TestDatabase;
  };
  events: TestEventNames;
  dataDir: string;
}): Promise<Launcher> {
  const { databases, events, dataDir } = options;
  const ports = await freePorts();
  const adminPorts = await freePorts();
  const child = spawn(process.execPath, ['--conditions=@jobber/source', '--import', 'tsx', main], {
    env: childProcessEnv({
      JOBBER_MODE: 'services', // a process per service (also chosen by the database URLs below)
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      GATEWAY_PORT: String(ports.gateway),
      AUTH_PORT: String(ports.auth),
      USERS_PORT: String(ports.users),
      GIGS_PORT: String(ports.gigs),
      GATEWAY_ADMIN_PORT: String(adminPorts.gateway),
      AUTH_ADMIN_PORT: String(adminPorts.auth),
      USERS_ADMIN_PORT: String(adminPorts.users),
      GIGS_ADMIN_PORT: String(adminPorts.gigs),
      AUTH_DATABASE_URL: databases.auth.url,
      USERS_DATABASE_URL: databases.users.url,
      GIGS_DATABASE_URL: databases.gigs.url,
      CHAT_PORT: String(ports.chat),
      CHAT_ADMIN_PORT: String(adminPorts.chat),
      CHAT_DATABASE_URL: databases.chat.url,
      ORDERS_PORT: String(ports.orders),
      ORDERS_ADMIN_PORT: String(adminPorts.orders),
      ORDERS_DATABASE_URL: databases.orders.url,
      REVIEWS_PORT: String(ports.reviews),
      REVIEWS_ADMIN_PORT: String(adminPorts.reviews),
      REVIEWS_DATABASE_URL: databases.reviews.url,
      NOTIFICATIONS_PORT: String(ports.notifications),
      NOTIFICATIONS_ADMIN_PORT: String(adminPorts.notifications),
      NOTIFICATIONS_DATABASE_URL: databases.notifications.url,
      AMQP_URL: events.amqpUrl,
      EVENTS_EXCHANGE: events.exchange,
      EVENTS_QUEUE_PREFIX: events.queuePrefix,
      JOBBER_DATA_DIR: dataDir,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    process: child,
    ports,
    adminPorts,
    output: () => output,
    pids: (service) =>
      [...output.matchAll(new RegExp(`^${service}: started \\(pid (\\d+)\\)$`, 'gm'))].map(
        (match) => Number(match[1]),
      ),
  };
}
