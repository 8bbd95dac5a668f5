// Issue 15's chat shape through the gateway: auth, users, chat and the gateway each run their
// production main.ts in a Node process of its own; this process holds every graphql-ws client
// and sends the messages over HTTP through the gateway (open loop, fixed rate).
// CLIENTS clients (one socket each, one user each) each with its own `conversationUpdated`
// (with the sender's username from auth and buyer profile from users, per event); the messages
// spread over CLIENTS/2 two-person conversations; each message reaches both participants.
// Latency per delivery = received − the send time carried in the message body (so it includes
// the sendMessage round trip, printed on its own as "send p50").
//   npm run bench:chat-gateway -w @jobber/bench -- [clients] [rate] [seconds]
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import { deleteTopology } from '@jobber/events';
import {
  createTestDatabase,
  eventually,
  generateSupergraphKeys,
  type ServiceProcess,
  signAccessToken,
  startServiceProcess,
  stopServiceProcess,
  type TestDatabase,
  testEventNames,
  RATE_LIMITS_OFF,
} from '@jobber/test-kit';
import { machineSummary } from './lib/machine.js';
import { summarize } from './lib/percentiles.js';
import { printTable, round } from './lib/table.js';

/** The n-th command-line argument as a positive integer, or `fallback`. */
function argument(n: number, fallback: number): number {
  const value = Number(process.argv[2 + n]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
const CLIENTS = Math.floor(argument(0, 5_000) / 2) * 2;
const RATE = argument(1, 500);
const SECONDS = argument(2, 60);
const PAIRS = CLIENTS / 2;

/** utime + stime of a process in seconds, and its RSS in MiB (Linux /proc). */
function processUsage(pid: number): { cpuSeconds: number; rssMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpuSeconds: ticks / 100, rssMiB: Number(rss ?? 0) / 1024 };
}

console.log(
  `chat-gateway — ${machineSummary('auth, users, chat and the gateway in a Node process each; the clients and the sender in the bench process')}`,
);
const keys = generateSupergraphKeys();
const events = testEventNames();
const databases: TestDatabase[] = [];
const processes: ServiceProcess[] = [];
const sockets: Client[] = [];
const pools: pg.Pool[] = [];
let errors = 0;
let firstError: unknown;
let closed = 0;
let retried = 0;
try {
  const [authDb, usersDb, chatDb] = [
    await createTestDatabase('auth'),
    await createTestDatabase('users'),
    await createTestDatabase('chat'),
  ];
  databases.push(authDb, usersDb, chatDb);
  const common = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    AMQP_URL: events.amqpUrl,
    EVENTS_EXCHANGE: events.exchange,
    EVENTS_QUEUE_PREFIX: events.queuePrefix,
    GATEWAY_INTERNAL_PUBLIC_KEY: keys.internal.publicKeyPem,
    AUTH_JWT_PRIVATE_KEY: keys.accessTokens.privateKeyPem,
    AUTH_JWT_PUBLIC_KEY: keys.accessTokens.publicKeyPem,
  };
  // The accounts, written where each subgraph keeps them (signing up 5,000 members through
  // auth would measure password hashing): auth's users and chat's snapshot of them.
  const users = Array.from({ length: CLIENTS }, () => randomUUID());
  const auth = new pg.Pool({ connectionString: authDb.url, max: 2 });
  const chatPool = new pg.Pool({ connectionString: chatDb.url, max: 2 });
  pools.push(auth, chatPool);
  const names = users.map((id) => `bench_${id.replaceAll('-', '').slice(0, 16)}`);
  await auth.query(
    `INSERT INTO users (id, email, username, password_hash, updated_at)
     SELECT id, name || '@example.com', name, 'not-a-hash', now()
     FROM unnest($1::uuid[], $2::text[]) AS t(id, name)`,
    [users, names],
  );
  await chatPool.query(
    `INSERT INTO accounts (id, username, registered_at)
     SELECT id, name, now() FROM unnest($1::uuid[], $2::text[]) AS t(id, name)`,
    [users, names],
  );

  const authProcess = await startServiceProcess('auth', 'subgraphs/auth/src/main.ts', {
    ...common,
    DATABASE_URL: authDb.url,
  });
  processes.push(authProcess);
  const usersProcess = await startServiceProcess('users', 'subgraphs/users/src/main.ts', {
    ...common,
    DATABASE_URL: usersDb.url,
  });
  processes.push(usersProcess);
  const chat = await startServiceProcess('chat', 'subgraphs/chat/src/main.ts', {
    ...common,
    DATABASE_URL: chatDb.url,
  });
  processes.push(chat);
  const gateway = await startServiceProcess('gateway', 'gateway/src/main.ts', {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    AUTH_URL: authProcess.url,
    USERS_URL: usersProcess.url,
    CHAT_URL: chat.url,
    AUTH_JWT_PUBLIC_KEY: keys.accessTokens.publicKeyPem,
    GATEWAY_INTERNAL_PRIVATE_KEY: keys.internal.privateKeyPem,
    AMQP_URL: events.amqpUrl,
    EVENTS_EXCHANGE: events.exchange,
    EVENTS_QUEUE_PREFIX: events.queuePrefix,
    // Every client comes from 127.0.0.1.
    SUBSCRIPTION_CONNECTIONS_PER_USER: '10',
    ...RATE_LIMITS_OFF,
  });
  processes.push(gateway);

  const tokens = await Promise.all(users.map((userId) => signAccessToken(keys, { userId })));
  const post = async (token: string, query: string, variables: Record<string, unknown>) => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as {
      data?: { sendMessage?: { conversation: { id: string } } };
      errors?: unknown;
    };
    if (body.errors || !body.data?.sendMessage)
      throw new Error(`the gateway answered ${JSON.stringify(body.errors)}`);
    return body.data.sendMessage.conversation.id;
  };
  const SEND = `mutation ($to: ID, $c: ID, $body: String!) { sendMessage(recipientId: $to, conversationId: $c, body: $body) { conversation { id } } }`;
  // Conversation p is between users 2p and 2p+1, started through the gateway (16 at a time).
  const conversations: string[] = new Array<string>(PAIRS);
  for (let p = 0; p < PAIRS; p += 16) {
    await Promise.all(
      Array.from({ length: Math.min(16, PAIRS - p) }, async (_, i) => {
        const pair = p + i;
        conversations[pair] = await post(tokens[2 * pair] ?? '', SEND, {
          to: users[2 * pair + 1],
          body: 'hello',
        });
      }),
    );
  }

  const latencies: number[] = [];
  let delivered = 0;
  const connectStarted = performance.now();
  for (let c = 0; c < CLIENTS; c++) {
    const socket = createClient({
      url: gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { Authorization: `Bearer ${tokens[c] ?? ''}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
      on: { closed: () => void (closed += 1) },
    });
    sockets.push(socket);
    // A refused subscribe (chat sheds a burst with a retryable UNAVAILABLE) is tried again
    // after a second, as an app would.
    const subscribe = (): void => {
      let refused = false;
      socket.subscribe(
        {
          query: `subscription { conversationUpdated { id unreadCount lastMessage { body sender { username buyerProfile { country } } } } }`,
        },
        {
          next: (result) => {
            if (result.errors) {
              errors += 1;
              firstError ??= result.errors;
              refused = result.errors.some((error) => error.extensions?.['retryable'] === true);
            }
            const update = result.data?.['conversationUpdated'] as
              { lastMessage?: { body?: string; sender?: { username?: string } } } | undefined;
            const body = update?.lastMessage?.body;
            if (!body?.startsWith('t ') || !update?.lastMessage?.sender?.username) return;
            delivered += 1;
            latencies.push(Date.now() - Number(body.split(' ')[1]));
          },
          error: (error) => {
            errors += 1;
            firstError ??= error;
          },
          complete: () => {
            if (refused) {
              retried += 1;
              setTimeout(subscribe, 1_000);
            }
          },
        },
      );
    };
    subscribe();
    if (c % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
  // Held once chat holds a presence row of every user (one per user: one chat process).
  await eventually(
    async () => {
      const { rows } = await chatPool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM presence_connections WHERE expires_at > now()',
      );
      const live = rows[0]?.n ?? 0;
      if (Math.round(performance.now() / 1000) % 10 === 0)
        console.log(
          `live ${live}/${CLIENTS}, stream errors ${errors}, retried ${retried} (first: ${JSON.stringify(firstError)}), sockets closed ${closed}`,
        );
      return live >= CLIENTS;
    },
    { what: `${CLIENTS} subscriptions live`, timeoutMs: 300_000, intervalMs: 500 },
  );
  const connectMs = performance.now() - connectStarted;

  const before = processUsage(gateway.child.pid ?? 0);
  // Every process's CPU over the run, this one's (the clients and the sender) included: where
  // the two cores go when deliveries fall behind.
  const cpuBefore = processes.map((one) => processUsage(one.child.pid ?? 0).cpuSeconds);
  const clientsBefore = process.cpuUsage();
  const started = performance.now();
  const total = RATE * SECONDS;
  let sendFailures = 0;
  let maxRss = 0;
  /** The sendMessage round trip (part of each delivery's latency). */
  const sendLatencies: number[] = [];
  const sends: Promise<unknown>[] = [];
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (n % RATE === 0) maxRss = Math.max(maxRss, processUsage(gateway.child.pid ?? 0).rssMiB);
    const pair = n % PAIRS;
    const from = 2 * pair + (Math.floor(n / PAIRS) % 2);
    const sentAt = Date.now();
    sends.push(
      post(tokens[from] ?? '', SEND, { c: conversations[pair], body: `t ${sentAt} #${n}` }).then(
        () => void sendLatencies.push(Date.now() - sentAt),
        () => {
          sendFailures += 1;
        },
      ),
    );
  }
  await Promise.all(sends);
  const expected = (total - sendFailures) * 2;
  await eventually(() => delivered >= expected, {
    what: 'every delivery',
    timeoutMs: 60_000,
  }).catch(() => undefined);
  const elapsedS = (performance.now() - started) / 1000;
  const after = processUsage(gateway.child.pid ?? 0);
  const cpuPercent = (seconds: number) => round((seconds / elapsedS) * 100, 0);
  const cpu = processes.map(
    (one, i) =>
      `${one.name} ${cpuPercent(processUsage(one.child.pid ?? 0).cpuSeconds - (cpuBefore[i] ?? 0))}`,
  );
  const clients = process.cpuUsage(clientsBefore);
  cpu.push(`clients ${cpuPercent((clients.user + clients.system) / 1e6)}`);
  const latency = summarize(latencies);
  printTable(
    `chat shape through the gateway: ${CLIENTS} clients with their own conversationUpdated, ${RATE} messages/s over ${PAIRS} conversations for ${SECONDS} s`,
    [
      {
        connections: sockets.length,
        'connect s': round(connectMs / 1000, 1),
        sent: total - sendFailures,
        'delivered/expected': `${delivered}/${expected}`,
        'refused, retried': retried,
        'p50 ms': round(latency.p50Ms, 1),
        'p99 ms': round(latency.p99Ms, 1),
        'max ms': round(latency.maxMs, 1),
        'send p50 ms': round(summarize(sendLatencies).p50Ms, 1),
        'gateway CPU %': round(((after.cpuSeconds - before.cpuSeconds) / elapsedS) * 100, 0),
        'gateway RSS MiB': round(Math.max(maxRss, after.rssMiB), 0),
      },
    ],
  );
  console.log(`CPU % of one core per process: ${cpu.join(', ')}`);
} catch (error) {
  console.error('first stream error', JSON.stringify(firstError));
  throw error;
} finally {
  for (const socket of sockets) await socket.dispose();
  for (const service of processes.reverse()) await stopServiceProcess(service);
  for (const pool of pools) await pool.end();
  for (const database of databases) await database.drop();
  await deleteTopology(events.amqpUrl, {
    exchange: events.exchange,
    queues: [],
    queuePrefix: events.queuePrefix,
  });
}
