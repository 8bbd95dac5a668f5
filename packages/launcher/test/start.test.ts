// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { exited, spawnLauncher, type Launcher } from './launcher-harness.js';

// Keeps the README's quick start true: `npm start` brings the supergraph up, serves a real
// sign-up → buyer profile flow across subgraphs, and stops cleanly on Ctrl-C. Own ports,
// databases, exchange and data folder, so it runs beside anything else.

const events = testEventNames();
let databases: TestDatabase[] = [];
let dataDir = '';
let launcher: Launcher | undefined;
/** Auth's confirmation emails, read from its database (closed before it is dropped). */
let mailbox: Mailbox | undefined;

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
  dataDir = await mkdtemp(join(tmpdir(), 'jobber-launcher-'));
});

afterAll(async () => {
  if (launcher && launcher.process.exitCode === null) {
    launcher.process.kill('SIGINT');
    await exited(launcher.process);
  }
  await mailbox?.close();
  await Promise.all(databases.map((database) => database.drop()));
  await deleteTestEvents(events); // every listed queue: the launcher starts every subgraph
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('starts every subgraph and the gateway, serves a flow across them, and stops on Ctrl-C', async () => {
    const [auth, users, gigs, chat, orders, reviews, notifications] = databases;
    if (!auth || !users || !gigs || !chat || !orders || !reviews || !notifications)
      throw new Error('no test databases');
    const running = await spawnLauncher({
      databases: { auth, users, gigs, chat, orders, reviews, notifications },
      events,
      dataDir,
    });
    launcher = running;
    const output = () => running.output();

    // The banner ends with the gateway's URL (its lines may arrive in separate chunks).
    const url = `http://127.0.0.1:${running.ports.gateway}/graphql`;
    await eventually(() => output().includes(`GraphQL:    ${url}`), {
      timeoutMs: 150_000,
      intervalMs: 100,
      what: 'the start banner',
    }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; output so far:\n${output()}`);
    });
    expect(output()).toContain('Jobber is up');
    // Health and metrics are on the admin ports only.
    for (const service of ['gateway', 'auth', 'users'] as const) {
      const [publicPort, adminPort] = [running.ports[service], running.adminPorts[service]];
      expect((await fetch(`http://127.0.0.1:${adminPort}/readyz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${publicPort}/readyz`)).status).toBe(404);
    }

    mailbox = new Mailbox(auth.url);
    const member = await signUpMember(new GraphQLClient(url), { country: 'GH', mailbox });
    await waitForBuyerProfile(member);

    running.process.kill('SIGINT');
    expect(await exited(running.process)).toBe(0);
    for (const port of [...Object.values(running.ports), ...Object.values(running.adminPorts)]) {
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    }
  }, 300_000);
});
