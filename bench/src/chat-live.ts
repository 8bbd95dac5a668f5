// Live chat on the chat subgraph alone (the gateway's subscription support comes separately):
// chat runs its production main.ts in a process of its own; this process holds the graphql-ws
// sockets (authenticated as the gateway would) and sends the messages over HTTP.
// Broadcast shape: SUBSCRIBERS subscriptions of one conversation's recipient, RATE messages/s
// for SECONDS. Latency per delivery = received − the send time carried in the message body.
//   npm run bench:chat-live -w @jobber/bench -- [subscribers] [rate] [seconds]
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import { deleteTopology } from '@jobber/events';
import {
  INTERNAL_CREDENTIAL_HEADER,
  anonymousClient,
  createInternalCredentialSigner,
} from '@jobber/service-kit';
import {
  createTestDatabase,
  eventually,
  generateSupergraphKeys,
  startServiceProcess,
  stopServiceProcess,
  testEventNames,
} from '@jobber/test-kit';
import { machineSummary } from './lib/machine.js';
import { summarize } from './lib/percentiles.js';
import { printTable, round } from './lib/table.js';

/** The n-th command-line argument as a positive integer, or `fallback`. */
function argument(n: number, fallback: number): number {
  const value = Number(process.argv[2 + n]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}
const SUBSCRIBERS = argument(0, 1_000);
const RATE = argument(1, 20);
const SECONDS = argument(2, 30);
const PER_SOCKET = 100;

/** utime + stime of a process in seconds, and its RSS in MiB (Linux /proc). */
function processUsage(pid: number): { cpuSeconds: number; rssMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpuSeconds: ticks / 100, rssMiB: Number(rss ?? 0) / 1024 };
}

console.log(
  `chat-live — ${machineSummary('chat in its own Node process; subscribers and sender in the bench process')}`,
);
const keys = generateSupergraphKeys();
const events = testEventNames();
const database = await createTestDatabase('chat');
const signer = createInternalCredentialSigner({
  privateKeyPem: keys.internal.privateKeyPem,
  ttlSeconds: 3600,
});
const sockets: Client[] = [];
const db = new pg.Pool({ connectionString: database.url, max: 2 });
const chat = await startServiceProcess('chat', 'subgraphs/chat/src/main.ts', {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  DATABASE_URL: database.url,
  AMQP_URL: events.amqpUrl,
  EVENTS_EXCHANGE: events.exchange,
  EVENTS_QUEUE_PREFIX: events.queuePrefix,
  GATEWAY_INTERNAL_PUBLIC_KEY: keys.internal.publicKeyPem,
});
try {
  const [alice, bob] = [randomUUID(), randomUUID()];
  for (const id of [alice, bob]) {
    await db.query('INSERT INTO accounts (id, username, registered_at) VALUES ($1, $2, now())', [
      id,
      `bench_${id.slice(0, 8)}`,
    ]);
  }
  const credential = (viewer: string | null) =>
    signer.sign('chat', {
      viewer: viewer ? { id: viewer, roles: ['USER'] } : null,
      client: anonymousClient,
      requestId: randomUUID(),
    });
  const post = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(chat.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [INTERNAL_CREDENTIAL_HEADER]: await credential(alice),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as {
      data?: Record<string, { conversation: { id: string } }>;
      errors?: unknown;
    };
    if (body.errors || !body.data) throw new Error(`chat answered ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  const SEND = `mutation ($to: ID, $c: ID, $body: String!) { sendMessage(recipientId: $to, conversationId: $c, body: $body) { conversation { id } } }`;
  const first = await post(SEND, { to: bob, body: 'hello' });
  const conversationId = first['sendMessage']?.conversation.id;
  if (!conversationId) throw new Error('no conversation');

  const latencies: number[] = [];
  let delivered = 0;
  const seen = new Set<number>();
  const connectStarted = performance.now();
  const operation = await credential(bob);
  for (let s = 0; s < Math.ceil(SUBSCRIBERS / PER_SOCKET); s++) {
    const socket = createClient({
      url: chat.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { [INTERNAL_CREDENTIAL_HEADER]: await credential(null) },
      retryAttempts: 0,
      lazy: false,
    });
    sockets.push(socket);
    for (let i = 0; i < PER_SOCKET && s * PER_SOCKET + i < SUBSCRIBERS; i++) {
      const index = s * PER_SOCKET + i;
      socket.subscribe(
        {
          query: `subscription ($id: ID!) { messageAdded(conversationId: $id) { id body sender { id } createdAt } }`,
          variables: { id: conversationId },
          extensions: { [INTERNAL_CREDENTIAL_HEADER]: operation },
        },
        {
          next: (result) => {
            const body = (result.data?.['messageAdded'] as { body?: string } | undefined)?.body;
            if (body?.startsWith('probe')) seen.add(index);
            if (!body?.startsWith('t ')) return;
            const sentAt = Number(body?.split(' ')[1]);
            if (!Number.isFinite(sentAt)) return;
            delivered += 1;
            latencies.push(Date.now() - sentAt);
          },
          error: (error) => console.error('subscription error', error),
          complete: () => undefined,
        },
      );
    }
  }
  // Held once every subscription has received a probe (sent every 500 ms until then).
  for (let probe = 0; seen.size < SUBSCRIBERS; probe++) {
    if (performance.now() - connectStarted > 120_000)
      throw new Error(`only ${seen.size} subscribed`);
    await post(SEND, { c: conversationId, body: `probe ${probe}` }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const connectMs = performance.now() - connectStarted;

  const before = processUsage(chat.child.pid ?? 0);
  const started = performance.now();
  const total = RATE * SECONDS;
  let sendFailures = 0;
  const sends: Promise<unknown>[] = [];
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sends.push(
      post(SEND, { c: conversationId, body: `t ${Date.now()} #${n}` }).catch(() => {
        sendFailures += 1;
      }),
    );
  }
  await Promise.all(sends);
  const expected = total * SUBSCRIBERS;
  await eventually(() => delivered >= expected, {
    what: 'every delivery',
    timeoutMs: 60_000,
  }).catch(() => undefined);
  const elapsedS = (performance.now() - started) / 1000;
  const after = processUsage(chat.child.pid ?? 0);
  const latency = summarize(latencies);
  printTable(
    `broadcast shape on the chat subgraph: ${SUBSCRIBERS} subscribers of one conversation, ${RATE} messages/s for ${SECONDS} s`,
    [
      {
        subscriptions: SUBSCRIBERS,
        sockets: sockets.length,
        'connect s': round(connectMs / 1000, 1),
        sent: total - sendFailures,
        'delivered/expected': `${delivered}/${expected}`,
        'p50 ms': round(latency.p50Ms, 1),
        'p99 ms': round(latency.p99Ms, 1),
        'max ms': round(latency.maxMs, 1),
        'chat CPU %': round(((after.cpuSeconds - before.cpuSeconds) / elapsedS) * 100, 0),
        'chat RSS MiB': round(after.rssMiB, 0),
      },
    ],
  );
} finally {
  for (const socket of sockets) await socket.dispose();
  await stopServiceProcess(chat);
  await db.end();
  await database.drop();
  await deleteTopology(events.amqpUrl, {
    exchange: events.exchange,
    queues: [],
    queuePrefix: events.queuePrefix,
  });
}
