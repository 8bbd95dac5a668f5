// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  GraphQLClient,
  Mailbox,
  createTestDatabase,
  deleteTestEvents,
  eventually,
  signUpMember,
  testEventNames,
  waitForBuyerProfile,
  type TestDatabase,
} from '@jobber/test-kit';
import { exited, spawnLauncher, type Launcher, type ServiceName } from './launcher-harness.js';

// The launcher restarts a crashed service (here a subgraph killed with SIGKILL) with back-off,
// still stops everything on Ctrl-C, also a service it is restarting, and gives up, exiting 1,
// on a service that keeps crashing at start. Own ports, databases, exchange and data folder.

const events = testEventNames();
let databases: TestDatabase[] = [];
let dataDir = '';

let launcher: Launcher | undefined;
/** Auth's confirmation emails, read from its database (closed before it is dropped). */
let mailbox: Mailbox;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A server listening on the port (ending every connection), or undefined when it is taken. */
function tryListen(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Whether something accepts TCP connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function startLauncher(): Promise<Launcher> {
  const [auth, users, gigs, chat, orders, reviews, notifications] = databases;
  if (!auth || !users || !gigs || !chat || !orders || !reviews || !notifications)
    throw new Error('no test databases');
  const started = await spawnLauncher({
    databases: { auth, users, gigs, chat, orders, reviews, notifications },
    events,
    dataDir,
  });
  launcher = started;
  const output = started.output;
  const child = started.process;
  await awaitOutput(
    started,
    () => output().includes('Jobber is up') || child.exitCode !== null,
    'the start banner',
  );
  expect(output()).toContain('Jobber is up');
  return started;
}

/** `eventually`, with the launcher's output (as it is when the wait fails) in the error. */
async function awaitOutput<T>(
  running: Launcher,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
  timeoutMs = 150_000,
): Promise<T> {
  try {
    return await eventually(probe, { timeoutMs, intervalMs: 50, what });
  } catch (error) {
    throw new Error(`${(error as Error).message}; launcher output:\n${running.output()}`, {
      cause: error,
    });
  }
}

/** The newest `<service>: started (pid N)` after the ones in `known`. */
function newPid(running: Launcher, service: ServiceName, known: number[]): Promise<number> {
  return awaitOutput(
    running,
    () => running.pids(service).find((pid) => !known.includes(pid)),
    `a new ${service} process`,
  );
}

async function expectAllPortsClosed(running: Launcher, except: number[] = []): Promise<void> {
  for (const port of [...Object.values(running.ports), ...Object.values(running.adminPorts)]) {
    if (!except.includes(port)) expect(await accepts(port), `port ${port}`).toBe(false);
  }
}

beforeAll(async () => {
  databases = [
    await createTestDatabase('auth'),
    await createTestDatabase('users'),
    await createTestDatabase('gigs'),
    await createTestDatabase('chat'),
    await createTestDatabase('orders'),
    await createTestDatabase('reviews'),
    await createTestDatabase('notifications'),
  ];
  mailbox = new Mailbox(databases[0]?.url ?? '');
  dataDir = await mkdtemp(join(tmpdir(), 'jobber-launcher-'));
});

afterEach(async () => {
  // Nothing left behind, even when a test failed half way: the launcher and every service.
  const last = launcher;
  launcher = undefined;
  if (!last) return;
  if (last.process.exitCode === null && last.process.signalCode === null) {
    last.process.kill('SIGINT');
    await exited(last.process);
  }
  for (const pid of [...last.pids('auth'), ...last.pids('users'), ...last.pids('gateway')]) {
    if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  }
});

afterAll(async () => {
  await mailbox?.close();
  await Promise.all(databases.map((database) => database.drop()));
  await deleteTestEvents(events); // every listed queue: the launcher starts every subgraph
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start supervises its services', () => {
  it('restarts a subgraph killed with SIGKILL, which serves again; Ctrl-C stops one being restarted', async () => {
    const running = await startLauncher();
    const [first] = running.pids('users');
    expect(first).toBeDefined();
    process.kill(first ?? 0, 'SIGKILL');

    const second = await newPid(running, 'users', [first ?? 0]);
    await awaitOutput(
      running,
      () => running.output().includes('users: ready again'),
      'the restarted users subgraph',
    );
    expect(running.output()).toMatch(/users exited \(SIGKILL\) after [\d.]+ s: restarting in/);
    // Served again: the sign-up event reaches the new process, and its data the gateway.
    const member = await signUpMember(
      new GraphQLClient(`http://127.0.0.1:${running.ports.gateway}/graphql`),
      { country: 'GH', mailbox },
    );
    await waitForBuyerProfile(member);

    // Killed again, and Ctrl-C as soon as its replacement is starting.
    process.kill(second, 'SIGKILL');
    const third = await newPid(running, 'users', [first ?? 0, second]);
    running.process.kill('SIGINT');
    expect(await exited(running.process), running.output()).toBe(0);
    expect(isRunning(third)).toBe(false);
    expect(running.pids('users')).toEqual([first, second, third]);
    await expectAllPortsClosed(running);
  }, 400_000);

  it('gives up on a subgraph that keeps crashing at start: stops everything and exits 1', async () => {
    const running = await startLauncher();
    const [first] = running.pids('users');
    process.kill(first ?? 0, 'SIGKILL');
    // Its port taken while it restarts: every new users process fails to listen.
    const squatter = await awaitOutput(running, () => tryListen(running.ports.users), 'the port');
    try {
      await awaitOutput(
        running,
        () => running.process.exitCode !== null,
        'the launcher to give up',
        120_000,
      );
      expect(running.process.exitCode, running.output()).toBe(1);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    expect(running.output()).toMatch(
      /users exited \(code \d+\) and has crashed 5 times in a row, each within 30 s of starting: giving up/,
    );
    // The first start, then one restart per crash but the last (one more when the SIGKILL came
    // 30 s or more after the first start, which is then not a rapid crash).
    expect(running.pids('users').length).toBeGreaterThanOrEqual(5);
    expect(running.pids('users').length).toBeLessThanOrEqual(6);
    for (const pid of running.pids('users')) expect(isRunning(pid)).toBe(false);
    await expectAllPortsClosed(running, [running.ports.users]);
  }, 400_000);
});
