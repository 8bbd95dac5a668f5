import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteTopology } from '@jobber/events';
import {
  GraphQLClient,
  childProcessEnv,
  createTestDatabase,
  eventually,
  signUpMember,
  testEventNames,
  waitForBuyerProfile,
  type TestDatabase,
} from '@jobber/test-kit';

// Keeps the README's quick start true: `npm start` brings the supergraph up, serves a real
// sign-up → buyer profile flow across subgraphs, and stops cleanly on Ctrl-C. Own ports,
// databases, exchange and data folder, so it runs beside anything else.

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const events = testEventNames();
let databases: TestDatabase[] = [];
let dataDir = '';
let launcher: ChildProcess | undefined;
let output = '';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', resolve));
}

beforeAll(async () => {
  databases = [await createTestDatabase('auth'), await createTestDatabase('users')];
  dataDir = await mkdtemp(join(tmpdir(), 'jobber-launcher-'));
});

afterAll(async () => {
  if (launcher && launcher.exitCode === null) {
    launcher.kill('SIGINT');
    await exited(launcher);
  }
  await Promise.all(databases.map((database) => database.drop()));
  await deleteTopology(events.amqpUrl, {
    exchange: events.exchange,
    queues: [`${events.queuePrefix}users.accounts`],
  });
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('starts every subgraph and the gateway, serves a flow across them, and stops on Ctrl-C', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 6; i += 1) ports.push(await freePort());
    const [gatewayPort, authPort, usersPort, gatewayAdmin, authAdmin, usersAdmin] = ports;
    const [auth, users] = databases;
    launcher = spawn(process.execPath, ['--conditions=@jobber/source', '--import', 'tsx', main], {
      env: childProcessEnv({
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        GATEWAY_PORT: String(gatewayPort),
        AUTH_PORT: String(authPort),
        USERS_PORT: String(usersPort),
        GATEWAY_ADMIN_PORT: String(gatewayAdmin),
        AUTH_ADMIN_PORT: String(authAdmin),
        USERS_ADMIN_PORT: String(usersAdmin),
        AUTH_DATABASE_URL: auth?.url ?? '',
        USERS_DATABASE_URL: users?.url ?? '',
        AMQP_URL: events.amqpUrl,
        EVENTS_EXCHANGE: events.exchange,
        EVENTS_QUEUE_PREFIX: events.queuePrefix,
        JOBBER_DATA_DIR: dataDir,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    await eventually(() => output.includes('Jobber is up'), {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: `the start banner; output so far:\n${output}`,
    });
    const url = `http://127.0.0.1:${gatewayPort}/graphql`;
    expect(output).toContain(url);
    // Health and metrics are on the admin ports only.
    for (const [publicPort, adminPort] of [
      [gatewayPort, gatewayAdmin],
      [authPort, authAdmin],
      [usersPort, usersAdmin],
    ]) {
      expect((await fetch(`http://127.0.0.1:${adminPort}/readyz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${publicPort}/readyz`)).status).toBe(404);
    }

    const member = await signUpMember(new GraphQLClient(url), { country: 'GH' });
    await waitForBuyerProfile(member);

    const running = launcher;
    running.kill('SIGINT');
    expect(await exited(running)).toBe(0);
    for (const port of ports) {
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    }
  }, 120_000);
});
