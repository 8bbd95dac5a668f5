// The event machinery alone, each part in its own Node process as in production: a producer
// (enqueueEvent, 100 events per transaction, 4 transactions at a time), a relay (OutboxRelay →
// RabbitMQ with publisher confirms) and a consumer (EventConsumer: inbox + one effect row per
// event). First each part on its own over a full backlog, then all three at once; at the end
// every effect and inbox row is counted. Run: npm run bench:events-pipeline.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  AmqpTransport,
  deleteTopology,
  enqueueEvent,
  EventConsumer,
  eventTablesSql,
  OutboxRelay,
  type EventLogger,
  type EventMetrics,
} from '@jobber/events';
import { testConfig } from '@jobber/test-kit';
import { pgTransactions } from './lib/pg-sql-client.js';
import { machineSummary } from './lib/machine.js';
import { printTable, round } from './lib/table.js';

const EVENTS = 20_000;
const PER_TRANSACTION = 100;
const PRODUCERS = 4;
const CONSUMER = 'bench.effects';
const TIME_LIMIT_MS = 180_000;
const settings = {
  relay: { batchSize: 500, pool: 2 },
  consumer: { prefetch: 500, batchSize: 100, concurrency: 2, pool: 4 },
};

interface Names {
  databaseUrl: string;
  exchange: string;
  queuePrefix: string;
}

interface Message {
  done: number;
  ms: number;
  cpuMs: number;
}

/** Warnings and errors to stderr; nothing else (the bench prints its own table). */
const quiet = (): EventLogger => ({
  debug: () => undefined,
  info: () => undefined,
  warn: (obj, msg) => console.error('warn', msg, JSON.stringify(obj)),
  error: (obj, msg) => console.error('error', msg, JSON.stringify(obj)),
});

const effectSql = 'CREATE TABLE effects (user_id uuid PRIMARY KEY, username text NOT NULL);';

// ---------- child processes ----------

async function producer(names: Names, count: number): Promise<Message> {
  const pool = new pg.Pool({ connectionString: names.databaseUrl, max: PRODUCERS });
  const db = pgTransactions(pool);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  // PRODUCERS transactions at a time, as concurrent requests of a subgraph would write them.
  const worker = async () => {
    while (next < count) {
      next += PER_TRANSACTION;
      await db.$transaction(async (tx) => {
        for (let i = 0; i < PER_TRANSACTION; i++) {
          const userId = randomUUID();
          await enqueueEvent(tx, 'auth', 'auth.user.registered', {
            userId,
            email: `u${userId.slice(0, 8)}@example.com`,
            username: `u_${userId}`,
            country: 'NG',
            profilePictureUrl: null,
            registeredAt: new Date().toISOString(),
          });
        }
      });
    }
  };
  await Promise.all(Array.from({ length: PRODUCERS }, worker));
  const ms = performance.now() - started;
  await pool.end();
  return { done: count, ms, cpuMs: cpuMs(cpu) };
}

async function relay(names: Names, count: number): Promise<Message> {
  const logger = quiet();
  const pool = new pg.Pool({ connectionString: names.databaseUrl, max: settings.relay.pool });
  const db = pgTransactions(pool);
  const transport = new AmqpTransport({ url: testConfig.TEST_AMQP_URL, ...names, logger });
  // Counted through the metrics hook: polling the database would cost it more than the relay.
  let sent = 0;
  const metrics = counting({ published: () => (sent += 1) });
  const outbox = new OutboxRelay({
    db,
    transport,
    logger,
    batchSize: settings.relay.batchSize,
    pollIntervalMs: 20,
    metrics,
  });
  await transport.connect();
  const cpu = process.cpuUsage();
  const started = performance.now();
  outbox.start();
  await until(() => sent >= count);
  const ms = performance.now() - started;
  await outbox.stop();
  await transport.close();
  await pool.end();
  return { done: count, ms, cpuMs: cpuMs(cpu) };
}

async function consumer(names: Names, count: number): Promise<Message> {
  const logger = quiet();
  const pool = new pg.Pool({ connectionString: names.databaseUrl, max: settings.consumer.pool });
  const transport = new AmqpTransport({ url: testConfig.TEST_AMQP_URL, ...names, logger });
  let handled = 0;
  const metrics = counting({ handled: () => (handled += 1) });
  const events = new EventConsumer({
    name: CONSUMER,
    db: pgTransactions(pool),
    transport,
    logger,
    ...settings.consumer,
    metrics,
    handlers: {
      'auth.user.registered': async (event, tx) => {
        await tx.$executeRawUnsafe(
          'INSERT INTO effects (user_id, username) VALUES ($1::uuid, $2::text)',
          event.data.userId,
          event.data.username,
        );
      },
    },
  });
  const cpu = process.cpuUsage();
  const started = performance.now();
  await events.start();
  if (count === 0) {
    await events.stop(); // only declares the queue
  } else {
    await until(() => handled >= count);
    await events.stop();
  }
  const ms = performance.now() - started;
  await transport.close();
  await pool.end();
  return { done: count, ms, cpuMs: cpuMs(cpu) };
}

/** An EventMetrics sink calling back per published event / handled delivery. */
function counting(on: { published?: () => void; handled?: () => void }): EventMetrics {
  return {
    outboxBacklog: () => undefined,
    eventsPublished: (n) => {
      for (let i = 0; i < n; i++) on.published?.();
    },
    eventsParked: () => undefined,
    consumerOutcome: (_consumer, outcome) => {
      if (outcome === 'handled') on.handled?.();
    },
  };
}

async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + TIME_LIMIT_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('time limit reached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

// ---------- the parent ----------

function run(
  role: string,
  names: Names,
  count: number,
): { child: ChildProcess; result: Promise<Message> } {
  const child = fork(fileURLToPath(import.meta.url), [role, JSON.stringify(names), String(count)]);
  const result = new Promise<Message>((resolve, reject) => {
    child.on('message', (message: Message) => {
      resolve(message);
    });
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`${role} exited with ${code}`));
    });
  });
  return { child, result };
}

async function parent(): Promise<void> {
  console.log(
    `events pipeline — ${machineSummary().replace(/;.*$/, '')}; producer, relay and consumer in separate processes; load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')} (the machine is shared with other work)`,
  );
  const suffix = randomBytes(5).toString('hex');
  const database = `bench_events_${suffix}`;
  const admin = new pg.Client({ connectionString: testConfig.TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(testConfig.TEST_POSTGRES_URL);
  url.pathname = `/${database}`;
  const names: Names = {
    databaseUrl: url.toString(),
    exchange: `jobber.events.bench.${suffix}`,
    queuePrefix: `bench_${suffix}.`,
  };
  const setup = new pg.Client({ connectionString: names.databaseUrl });
  await setup.connect();
  await setup.query(eventTablesSql + effectSql);
  await setup.end();
  const rows: Record<string, string | number>[] = [];
  const row = (part: string, message: Message) =>
    rows.push({
      part,
      events: message.done,
      s: round(message.ms / 1000, 2),
      'events/s': round(message.done / (message.ms / 1000), 0),
      'CPU %': round((message.cpuMs / message.ms) * 100, 0),
    });
  try {
    await run('consumer', names, 0).result; // declares the queue, so nothing published is dropped
    row('producer alone', await run('producer', names, EVENTS).result);
    row('relay alone (confirms)', await run('relay', names, EVENTS).result);
    row('consumer alone', await run('consumer', names, EVENTS).result);

    const started = performance.now();
    const parts = [
      run('consumer', names, EVENTS),
      run('relay', names, EVENTS),
      run('producer', names, EVENTS),
    ];
    const [c, r, p] = await Promise.all(parts.map((part) => part.result));
    const endToEndMs = performance.now() - started;
    if (p) row('producer (all at once)', p);
    if (r) row('relay (all at once)', r);
    if (c) row('consumer (all at once)', c);
    rows.push({
      part: 'end to end',
      events: EVENTS,
      s: round(endToEndMs / 1000, 2),
      'events/s': round(EVENTS / (endToEndMs / 1000), 0),
      'CPU %': '',
    });
    printTable(
      `${EVENTS} auth.user.registered: outbox → relay → RabbitMQ → inbox + effect (pg driver, relay batch ${settings.relay.batchSize}, consumer prefetch ${settings.consumer.prefetch}, batch ${settings.consumer.batchSize}, ${settings.consumer.concurrency} transactions)`,
      rows,
    );
    const verify = new pg.Client({ connectionString: names.databaseUrl });
    await verify.connect();
    const counts = await verify.query<{ effects: number; inbox: number; unsent: number }>(
      `SELECT (SELECT count(*)::int FROM effects) AS effects,
              (SELECT count(*)::int FROM inbox_events) AS inbox,
              (SELECT count(*)::int FROM outbox_events WHERE sent_at IS NULL) AS unsent`,
    );
    await verify.end();
    const { effects = 0, inbox = 0, unsent = -1 } = counts.rows[0] ?? {};
    console.log(
      `  checked: ${effects} effects, ${inbox} inbox rows, ${unsent} unsent (expected ${2 * EVENTS}, ${2 * EVENTS}, 0)`,
    );
    if (effects !== 2 * EVENTS || inbox !== 2 * EVENTS || unsent !== 0) {
      throw new Error('the pipeline lost or duplicated events');
    }
  } finally {
    await deleteTopology(testConfig.TEST_AMQP_URL, {
      exchange: names.exchange,
      queues: [names.queuePrefix + CONSUMER],
      // Every transport declares the listed consumers' queues (users.accounts) too.
      queuePrefix: names.queuePrefix,
    }).catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

const [role, namesJson, countText] = process.argv.slice(2);
if (role === undefined) {
  await parent();
} else {
  const names = JSON.parse(namesJson ?? '{}') as Names;
  const count = Number(countText);
  const work = { producer, relay, consumer }[role];
  if (!work) throw new Error(`unknown role ${role}`);
  const message = await work(names, count);
  process.send?.(message);
  process.disconnect?.();
}
