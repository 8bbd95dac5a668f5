import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, readdir, readlink, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GraphQLClient,
  Mailbox,
  childProcessEnv,
  eventually,
  signUpMember,
  waitForBuyerProfile,
  type Member,
} from '@jobber/test-kit';
import { freePort } from '@jobber/test-kit';
import { exited } from './launcher-harness.js';

// The README's quick start on a fresh machine: `npm start` with no database or broker
// configured (and the test kit's PostgreSQL and RabbitMQ variables at closed ports) comes up on
// an embedded PostgreSQL with everything in one process, serves a sign-up → buyer profile flow
// across subgraphs, stops on Ctrl-C with exit 0 and every port closed, and a second start keeps
// the data. Both start times are printed. Own ports and data folder, so it runs beside anything.

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const services = [
  'gateway',
  'auth',
  'users',
  'gigs',
  'chat',
  'orders',
  'reviews',
  'notifications',
] as const;
/** What a fresh machine does not have, and what the launcher must not touch. */
const machinePorts = [5432, 5672];

let dataDir = '';
const ports: Record<string, number> = {};
let running: ChildProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'jobber-embedded-'));
  // PostgreSQL runs as the user postgres when the tests run as root: it must get through.
  await chmod(dataDir, 0o711);
  for (const name of [...services, ...services.map((s) => `${s}Admin`), 'postgres', 'closed']) {
    ports[name] = await freePort();
  }
});

afterAll(async () => {
  if (running && running.exitCode === null && running.signalCode === null) {
    process.kill(-(running.pid ?? 0), 'SIGINT');
    await exited(running);
  }
  await rm(dataDir, { recursive: true, force: true });
});

/** `npm run start -w @jobber/launcher` in a process group of its own, as a terminal runs it. */
function npmStart() {
  const inherited = childProcessEnv({
    LOG_LEVEL: 'warn',
    JOBBER_DATA_DIR: dataDir,
    JOBBER_POSTGRES_PORT: String(ports['postgres']),
    GATEWAY_PORT: String(ports['gateway']),
    AUTH_PORT: String(ports['auth']),
    USERS_PORT: String(ports['users']),
    GIGS_PORT: String(ports['gigs']),
    GATEWAY_ADMIN_PORT: String(ports['gatewayAdmin']),
    AUTH_ADMIN_PORT: String(ports['authAdmin']),
    USERS_ADMIN_PORT: String(ports['usersAdmin']),
    GIGS_ADMIN_PORT: String(ports['gigsAdmin']),
    CHAT_PORT: String(ports['chat']),
    CHAT_ADMIN_PORT: String(ports['chatAdmin']),
    ORDERS_PORT: String(ports['orders']),
    ORDERS_ADMIN_PORT: String(ports['ordersAdmin']),
    REVIEWS_PORT: String(ports['reviews']),
    REVIEWS_ADMIN_PORT: String(ports['reviewsAdmin']),
    NOTIFICATIONS_PORT: String(ports['notifications']),
    NOTIFICATIONS_ADMIN_PORT: String(ports['notificationsAdmin']),
    // A fresh machine: no PostgreSQL, no RabbitMQ.
    TEST_POSTGRES_URL: `postgresql://postgres@127.0.0.1:${ports['closed']}/postgres`,
    TEST_AMQP_URL: `amqp://guest:guest@127.0.0.1:${ports['closed']}`,
  });
  // Nothing configured: whatever the test run itself has set is not part of a fresh machine.
  const unset = new Set([
    'NODE_ENV',
    'JOBBER_MODE',
    'AMQP_URL',
    'AUTH_DATABASE_URL',
    'USERS_DATABASE_URL',
    'GIGS_DATABASE_URL',
    'CHAT_DATABASE_URL',
    'ORDERS_DATABASE_URL',
    'REVIEWS_DATABASE_URL',
    'NOTIFICATIONS_DATABASE_URL',
  ]);
  const env = Object.fromEntries(Object.entries(inherited).filter(([name]) => !unset.has(name)));
  const started = Date.now();
  const child = spawn('npm', ['run', 'start', '-w', '@jobber/launcher'], {
    cwd: repoRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = child;
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${ports['gateway']}/graphql`;
  // Up once the whole banner is out (it can arrive in more than one chunk).
  const up = eventually(
    () =>
      output.includes(`GraphQL:    ${url}`) &&
      output.includes('Ctrl-C stops everything.') &&
      Date.now() - started,
    {
      timeoutMs: 150_000,
      intervalMs: 50,
      what: 'the start banner',
    },
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}; output so far:\n${output}`);
  });
  return { child, url, up, output: () => output };
}

/** `npm run seed -- <args>` against the embedded start in `dataDir`. */
async function runSeed(gatewayUrl: string, args: string[]) {
  const { AUTH_DATABASE_URL: _unset, ...env } = childProcessEnv({
    JOBBER_DATA_DIR: dataDir,
    JOBBER_POSTGRES_PORT: String(ports['postgres']),
    GATEWAY_URL: gatewayUrl,
  });
  const child = spawn('npm', ['run', 'seed', '--', ...args], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await exited(child);
  return { code, output };
}

/** Ctrl-C in the terminal: SIGINT to the whole process group. */
async function ctrlC(child: ChildProcess): Promise<number | null> {
  process.kill(-(child.pid ?? 0), 'SIGINT');
  return exited(child);
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** The remote ports of the TCP connections the processes of group `pgid` hold (Linux /proc). */
async function remotePortsOf(pgid: number): Promise<Set<number>> {
  const inodes = new Set<string>();
  for (const pid of await readdir('/proc')) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid pgrp …: the group is the 3rd field after the command.
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== pgid) continue;
    for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [])) {
      const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode) inodes.add(inode);
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const fields of lines.map((line) => line.trim().split(/\s+/))) {
      const [remote, inode] = [fields[2], fields[9]];
      if (remote && inode && inodes.has(inode)) ports.add(parseInt(remote.split(':')[1] ?? '', 16));
    }
  }
  return ports;
}

describe('npm start with nothing configured (embedded)', () => {
  let member: Member;
  const startTimes: number[] = [];

  it('comes up on an embedded PostgreSQL, serves a flow across subgraphs, and stops on Ctrl-C', async () => {
    const first = npmStart();
    startTimes.push(await first.up);
    expect(first.output()).toMatch(/embedded: PostgreSQL on 127\.0\.0\.1:\d+ created in/);
    expect(first.output()).toContain(`Playground: ${first.url}`);

    // The confirmation email sits in auth's outbox (the embedded PostgreSQL's jobber_auth).
    const password = (await readFile(join(dataDir, 'postgres', 'password'), 'utf8')).trim();
    const mailbox = new Mailbox(
      `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${ports['postgres']}/jobber_auth`,
    );
    try {
      member = await signUpMember(new GraphQLClient(first.url), { country: 'GH', mailbox });
    } finally {
      await mailbox.close();
    }
    await waitForBuyerProfile(member);
    // Health and metrics on the admin ports only, as in services mode.
    for (const service of services) {
      expect((await fetch(`http://127.0.0.1:${ports[`${service}Admin`]}/readyz`)).status).toBe(200);
    }
    // One process (and its PostgreSQL), and no connection to a machine-wide PostgreSQL or RabbitMQ.
    const remote = await remotePortsOf(first.child.pid ?? 0);
    expect(remote.has(ports['postgres'] ?? 0)).toBe(true);
    for (const port of machinePorts) expect(remote.has(port)).toBe(false);

    expect(await ctrlC(first.child)).toBe(0);
    for (const port of Object.values(ports)) expect(await refused(port)).toBe(true);
  }, 300_000);

  it('keeps the data on a second start, and `npm run seed` fills it', async () => {
    if (!member) throw new Error('the first start did not complete');
    const second = npmStart();
    startTimes.push(await second.up);
    expect(second.output()).toMatch(/embedded: PostgreSQL on 127\.0\.0\.1:\d+ kept in/);
    // The account, its profile and the development keys survived: the old access token works.
    await waitForBuyerProfile(member);

    // The README's "Try it": the seed finds the gateway and auth's embedded database itself
    // (the data folder's password file), within the limits npm start gives development.
    const sizes = ['--buyers', '5', '--sellers', '2', '--gigs', '20', '--conversations', '4'];
    const seed = await runSeed(second.url, ['--seed', '3', ...sizes]);
    expect(seed.output).toMatch(
      /Made 2 sellers, 5 buyers, 20 gigs, .*4 conversations.* in [\d.]+ s/,
    );
    expect(seed.code).toBe(0);

    expect(await ctrlC(second.child)).toBe(0);
    for (const port of Object.values(ports)) expect(await refused(port)).toBe(true);
    const [firstMs = 0, secondMs = 0] = startTimes;
    console.log(
      `npm start (embedded): first start ${(firstMs / 1000).toFixed(1)} s, second start ${(secondMs / 1000).toFixed(1)} s`,
    );
  }, 300_000);
});
