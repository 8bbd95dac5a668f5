// Subscriptions through the gateway (issue 15), in four processes: auth and users
// (`startTestSupergraph` in a child; its own gateway stays idle), the ticks fixture subgraph
// (schema/test/fixtures/ticks-subgraph.ts) publishing the events, the gateway alone, and this
// process as the graphql-ws clients. Two shapes (shared/DESIGN.md §8):
// - broadcast: SUBSCRIBERS clients on one stream at RATE events/s, each event with the
//   publishing user's username from auth (one upstream subscription, `rest` resolved once);
// - chat: N clients, each with its own per-viewer stream (`myTicks`), events spread over N/2
//   two-person conversations at a fixed aggregate rate (each event goes to both participants).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { parseGatewayConfig, startGateway } from '@jobber/gateway';
import { createLogger } from '@jobber/service-kit';
import { composeSupergraph } from '@jobber/supergraph';
import {
  GraphQLClient,
  Mailbox,
  signAccessToken,
  signUpMember,
  startTestSupergraph,
  type SupergraphKeys,
} from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';
import { TICKS_SDL, startTicksSubgraph } from '../../schema/test/fixtures/ticks-subgraph.js';
import { machineSummary } from './lib/machine.js';
import { summarize } from './lib/percentiles.js';
import { printTable, round } from './lib/table.js';

const SUBSCRIBERS = 1_000;
const RATE = 20;
const SECONDS = 10;
const CHAT_CLIENTS = 1_000;
const CHAT_RATE = 100;

type Message =
  | { kind: 'ready'; env: Record<string, string> }
  | { kind: 'usage'; cpuMs: number; rssMiB: number; upstream: number }
  | { kind: 'done' };

// ---------- child processes ----------

async function services(): Promise<void> {
  const supergraph = await startTestSupergraph({
    auth: (env) => startAuthService(parseAuthConfig(env)),
    users: (env) => startUsersService(parseUsersConfig(env)),
  });
  send({
    kind: 'ready',
    env: {
      AUTH_URL: supergraph.subgraphs.auth?.url ?? '',
      USERS_URL: supergraph.subgraphs.users?.url ?? '',
      KEYS: JSON.stringify(supergraph.keys),
      AUTH_DATABASE_URL: supergraph.databases.auth?.url ?? '',
    },
  });
  await new Promise((resolve) => process.once('message', resolve));
  await supergraph.stop();
}

async function ticks(env: Record<string, string>): Promise<void> {
  const keys = JSON.parse(env['KEYS'] ?? '{}') as SupergraphKeys;
  const fixture = await startTicksSubgraph({ internalPublicKeyPem: keys.internal.publicKeyPem });
  send({ kind: 'ready', env: { TICKS_URL: fixture.url } });
  for (;;) {
    const message = await new Promise<'stop' | { kind: string; [key: string]: unknown }>(
      (resolve) => process.once('message', resolve),
    );
    if (message === 'stop') break;
    const userId = String(message['userId']);
    if (message.kind === 'broadcast') {
      await paced(RATE * SECONDS, RATE, () => fixture.publish('broadcast', userId));
    } else if (message.kind === 'chat') {
      const viewers = message['viewers'] as string[];
      const pairs = Math.floor(viewers.length / 2);
      let next = 0;
      await paced(CHAT_RATE * SECONDS, CHAT_RATE, () => {
        const pair = next++ % pairs;
        fixture.publish(`viewer:${viewers[2 * pair] ?? ''}`, userId);
        fixture.publish(`viewer:${viewers[2 * pair + 1] ?? ''}`, userId);
      });
    }
    send({ kind: 'done' });
  }
  await fixture.stop();
}

async function gateway(env: Record<string, string>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'jobber-bench-supergraph-'));
  const file = join(dir, 'supergraph.graphql');
  writeFileSync(
    file,
    composeSupergraph({}, [{ name: 'ticks', sdl: TICKS_SDL, url: env['TICKS_URL'] ?? '' }])
      .supergraph,
  );
  const keys = JSON.parse(env['KEYS'] ?? '{}') as SupergraphKeys;
  const server = await startGateway(
    parseGatewayConfig({
      NODE_ENV: 'production',
      PORT: '0',
      ADMIN_PORT: '0',
      SUPERGRAPH_PATH: file,
      AUTH_URL: env['AUTH_URL'],
      USERS_URL: env['USERS_URL'],
      AUTH_JWT_PUBLIC_KEY: keys.accessTokens.publicKeyPem,
      GATEWAY_INTERNAL_PRIVATE_KEY: keys.internal.privateKeyPem,
      // All the clients come from 127.0.0.1, anonymous or one user each.
      SUBSCRIPTION_CONNECTIONS_PER_USER: '100000',
      RATE_LIMIT_OPERATIONS_PER_IP: '0',
      RATE_LIMIT_OPERATIONS_PER_ACCOUNT: '0',
    }),
    createLogger({ service: 'gateway', level: 'warn' }),
  );
  send({ kind: 'ready', env: { GATEWAY_URL: server.url } });
  for (;;) {
    const message = await new Promise<string>((resolve) => process.once('message', resolve));
    if (message === 'stop') break;
    const cpu = process.cpuUsage();
    send({
      kind: 'usage',
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssMiB: process.memoryUsage().rss / 2 ** 20,
      upstream: 0,
    });
  }
  await server.stop(1_000);
  rmSync(dir, { recursive: true, force: true });
}

function send(message: Message): void {
  process.send?.(message);
}

async function paced(count: number, perSecond: number, act: () => void): Promise<void> {
  const start = Date.now();
  for (let i = 0; i < count; i += 1) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    act();
  }
}

// ---------- the clients ----------

function start(role: string, env: Record<string, string> = {}) {
  const child = fork(fileURLToPath(import.meta.url), [role, JSON.stringify(env)]);
  const ready = new Promise<Record<string, string>>((resolve, reject) => {
    child.once('message', (message: Message) =>
      message.kind === 'ready' ? resolve(message.env) : reject(new Error('unexpected message')),
    );
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
  return { child, ready };
}

function request<T extends Message['kind']>(
  child: ChildProcess,
  message: unknown,
  kind: T,
): Promise<Extract<Message, { kind: T }>> {
  return new Promise((resolve) => {
    const listener = (answer: Message) => {
      if (answer.kind !== kind) return;
      child.off('message', listener);
      resolve(answer as Extract<Message, { kind: T }>);
    };
    child.on('message', listener);
    child.send(message as string);
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('stop');
  await exited;
}

interface Subscribers {
  clients: Client[];
  latencies: number[];
  delivered: number;
  errors: number;
  firstError?: string;
  connected: () => number;
}

/** `count` sockets, each with one subscription to `query` (token per client, or none). */
async function subscribe(
  url: string,
  count: number,
  query: string,
  token: (i: number) => Promise<string | undefined>,
): Promise<Subscribers> {
  const result: Subscribers = {
    clients: [],
    latencies: [],
    delivered: 0,
    errors: 0,
    connected: () => open,
  };
  let open = 0;
  for (let i = 0; i < count; i += 1) {
    const bearer = await token(i);
    const client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: bearer ? { Authorization: `Bearer ${bearer}` } : {},
      on: {
        connected: () => {
          open += 1;
        },
        closed: () => {
          open = Math.max(0, open - 1);
        },
      },
    });
    client.subscribe(
      { query },
      {
        next: (value) => {
          const data = value.data as { [field: string]: { sentAt: number } } | undefined;
          const tick = data ? Object.values(data)[0] : undefined;
          if (value.errors?.length || !tick) {
            result.errors += 1;
            result.firstError ??= JSON.stringify(value.errors ?? value).slice(0, 300);
          } else {
            result.delivered += 1;
            result.latencies.push(Date.now() - tick.sentAt);
          }
        },
        error: () => (result.errors += 1),
        complete: () => {},
      },
    );
    result.clients.push(client);
  }
  return result;
}

async function usage(gatewayChild: ChildProcess) {
  return request(gatewayChild, 'usage', 'usage');
}

async function shape(
  name: string,
  gatewayChild: ChildProcess,
  ticksChild: ChildProcess,
  subscribers: Subscribers,
  expected: number,
  run: unknown,
  settle: () => boolean,
) {
  const deadline = Date.now() + 60_000;
  while (!settle() && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const before = await usage(gatewayChild);
  const clientBefore = process.cpuUsage();
  const started = Date.now();
  await request(ticksChild, run, 'done');
  const drain = Date.now() + 10_000;
  while (subscribers.delivered < expected && Date.now() < drain)
    await new Promise((resolve) => setTimeout(resolve, 50));
  const after = await usage(gatewayChild);
  const elapsed = Date.now() - started;
  const client = process.cpuUsage(clientBefore);
  const latency = summarize(subscribers.latencies);
  const row = {
    shape: name,
    'connections held': subscribers.connected(),
    'delivered/expected': `${subscribers.delivered}/${expected}`,
    errors: subscribers.errors,
    'p50 ms': round(latency.p50Ms),
    'p99 ms': round(latency.p99Ms),
    'gateway CPU %': round(((after.cpuMs - before.cpuMs) / elapsed) * 100),
    'gateway RSS MiB': round(after.rssMiB),
    'clients CPU %': round(((client.user + client.system) / 1000 / elapsed) * 100),
    'run s': round(elapsed / 1000, 1),
  };
  await Promise.all(subscribers.clients.map((client) => client.dispose()));
  if (subscribers.firstError) console.log(`  ${name}: first error ${subscribers.firstError}`);
  return row;
}

async function parent(): Promise<void> {
  console.log(
    `subscriptions — ${machineSummary().replace(/;.*$/, '')}; auth+users, ticks, gateway and clients in four processes; load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')}`,
  );
  const subgraphs = start('services');
  const children: ChildProcess[] = [subgraphs.child];
  let mailbox: Mailbox | undefined;
  try {
    const { AUTH_DATABASE_URL: authDatabaseUrl = '', ...env } = await subgraphs.ready;
    const keys = JSON.parse(env['KEYS'] ?? '{}') as SupergraphKeys;
    const ticksStart = start('ticks', env);
    children.push(ticksStart.child);
    const { TICKS_URL = '' } = await ticksStart.ready;
    const gatewayStart = start('gateway', { ...env, TICKS_URL });
    children.push(gatewayStart.child);
    const { GATEWAY_URL: url = '' } = await gatewayStart.ready;
    mailbox = new Mailbox(authDatabaseUrl);
    const member = await signUpMember(new GraphQLClient(url).withMailbox(mailbox));
    const rows = [];

    const broadcast = await subscribe(
      url,
      SUBSCRIBERS,
      'subscription { ticks(stream: "broadcast") { seq sentAt user { username } } }',
      () => Promise.resolve(undefined),
    );
    rows.push(
      await shape(
        `broadcast: ${SUBSCRIBERS} on one stream, ${RATE}/s for ${SECONDS} s`,
        gatewayStart.child,
        ticksStart.child,
        broadcast,
        SUBSCRIBERS * RATE * SECONDS,
        { kind: 'broadcast', userId: member.id },
        () => broadcast.connected() === SUBSCRIBERS,
      ),
    );

    const plain = await subscribe(
      url,
      SUBSCRIBERS,
      'subscription { ticks(stream: "broadcast") { seq sentAt } }',
      () => Promise.resolve(undefined),
    );
    rows.push(
      await shape(
        `broadcast, no field of another subgraph: ${SUBSCRIBERS} on one stream, ${RATE}/s for ${SECONDS} s`,
        gatewayStart.child,
        ticksStart.child,
        plain,
        SUBSCRIBERS * RATE * SECONDS,
        { kind: 'broadcast', userId: member.id },
        () => plain.connected() === SUBSCRIBERS,
      ),
    );

    const viewers = Array.from({ length: CHAT_CLIENTS }, () => crypto.randomUUID());
    const chat = await subscribe(
      url,
      CHAT_CLIENTS,
      'subscription { myTicks { seq sentAt user { username } } }',
      (i) => signAccessToken(keys, { userId: viewers[i] ?? '', expiresInSeconds: 3_600 }),
    );
    rows.push(
      await shape(
        `chat: ${CHAT_CLIENTS} per-viewer streams, ${CHAT_RATE} messages/s over ${CHAT_CLIENTS / 2} conversations for ${SECONDS} s`,
        gatewayStart.child,
        ticksStart.child,
        chat,
        CHAT_RATE * SECONDS * 2,
        { kind: 'chat', viewers, userId: member.id },
        () => chat.connected() === CHAT_CLIENTS,
      ),
    );
    printTable('subscriptions through the gateway (latency = received − published)', rows);
  } finally {
    await mailbox?.close();
    for (const child of children.reverse()) await stop(child);
  }
}

const [role, envJson] = process.argv.slice(2);
const childEnv = JSON.parse(envJson ?? '{}') as Record<string, string>;
if (role === undefined) await parent();
else if (role === 'services') await services();
else if (role === 'ticks') await ticks(childEnv);
else if (role === 'gateway') await gateway(childEnv);
else throw new Error(`unknown role ${role}`);
if (role !== undefined) process.disconnect?.();
