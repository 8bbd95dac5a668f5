// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { connect } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AmqpTransport,
  createEnvelope,
  deadLetterQueueName,
  deleteTopology,
  EventConsumer,
  retryQueueName,
  type EventEnvelope,
} from '../src/index.js';
import { registeredUser } from './consumer-semantics.js';
import type { PgSqlClient } from './pg-sql-client.js';
import { amqpUrl, randomSuffix, testLogger } from './services.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { waitFor } from './wait-for.js';

const effectSql = `
CREATE TABLE applied (event_id uuid PRIMARY KEY, times integer NOT NULL);
`;

/**
 * Consumers on a small pool shared with other traffic (as a subgraph's HTTP requests share
 * it): the test client has Prisma's transaction limits (a 2 s wait for a connection, 5 s to
 * run), and the consumer keeps its default prefetch of 10.
 */
describe('consumers under backlog on a pool of 2 connections', () => {
  const exchange = `jobber.events.test.${randomSuffix()}`;
  const queuePrefix = `test_${randomSuffix()}.`;
  const retryDelaysMs = [100, 200];
  const names: string[] = [];
  let database: TestDatabase;
  let transport: AmqpTransport;

  beforeAll(async () => {
    database = await createTestDatabase(effectSql);
    transport = new AmqpTransport({ url: amqpUrl, exchange, queuePrefix, logger: testLogger() });
  });
  afterAll(async () => {
    await transport?.close();
    await deleteTopology(amqpUrl, {
      exchange,
      queues: names.map((name) => queuePrefix + name),
      queuePrefix,
      retryDelaysMs,
    });
    await database?.drop();
  });

  function consumerOn(db: PgSqlClient, purpose: string, handlerSql: string | null) {
    const name = `tests.${purpose}`;
    names.push(name);
    return new EventConsumer({
      name,
      db,
      transport,
      logger: testLogger(),
      retryDelaysMs,
      handlers: {
        'auth.user.registered': async (event, tx) => {
          if (handlerSql) await tx.$queryRawUnsafe(handlerSql);
          await tx.$executeRawUnsafe(
            `INSERT INTO applied (event_id, times) VALUES ($1::uuid, 1)
             ON CONFLICT (event_id) DO UPDATE SET times = applied.times + 1`,
            event.id,
          );
        },
      },
    });
  }

  /** Declares the queue, stops the consumer, and queues `count` events behind its back. */
  async function backlog(
    consumer: { start(): Promise<void>; stop(): Promise<void> },
    count: number,
  ) {
    await consumer.start();
    await consumer.stop();
    const events: EventEnvelope[] = [];
    for (let i = 0; i < count; i += 500) {
      const batch = Array.from({ length: Math.min(500, count - i) }, () =>
        createEnvelope('auth', 'auth.user.registered', registeredUser()),
      );
      const result = await transport.publish(batch);
      expect(result.failed).toEqual([]);
      events.push(...batch);
    }
    return events;
  }

  async function appliedStats(ids: string[]) {
    const rows = await database.db.$queryRawUnsafe<{ events: number; most: number | null }[]>(
      'SELECT count(*)::int AS events, max(times)::int AS most FROM applied WHERE event_id = ANY($1::uuid[])',
      ids,
    );
    return rows[0] ?? { events: 0, most: null };
  }

  async function queueDepths(name: string) {
    const side = await connect(amqpUrl);
    try {
      const channel = await side.createChannel();
      const queue = queuePrefix + name;
      const depth = async (q: string) => (await channel.checkQueue(q)).messageCount;
      return {
        dead: await depth(deadLetterQueueName(queue)),
        retrying: (
          await Promise.all(retryDelaysMs.map((ms) => depth(retryQueueName(queue, ms))))
        ).reduce((a, b) => a + b, 0),
      };
    } finally {
      await side.close();
    }
  }

  it(
    'drains a backlog of 10,000 events under concurrent load: 0 dead letters, every effect once',
    { timeout: 180_000 },
    async () => {
      const db = database.client(2);
      const consumer = consumerOn(db, 'backlog', null);
      const events = await backlog(consumer, 10_000);
      const ids = events.map((e) => e.id);

      // "HTTP traffic" through the same client: short transactions and queries, 4 at a time.
      let loading = true;
      let requests = 0;
      const load = Array.from({ length: 4 }, async () => {
        while (loading) {
          await db.$transaction((tx) => tx.$queryRawUnsafe('SELECT pg_sleep(0.002)'));
          await db.$queryRawUnsafe('SELECT count(*) FROM applied');
          requests += 1;
        }
      });
      const started = performance.now();
      await consumer.start();
      try {
        await waitFor(
          () => appliedStats(ids),
          (stats) => stats.events === 10_000,
          { timeoutMs: 150_000, intervalMs: 250, what: '10,000 effects' },
        );
      } finally {
        loading = false;
        await Promise.all(load);
        await consumer.stop();
      }
      const seconds = (performance.now() - started) / 1000;
      expect(await appliedStats(ids)).toEqual({ events: 10_000, most: 1 });
      expect(await queueDepths('tests.backlog')).toEqual({ dead: 0, retrying: 0 });
      expect(requests).toBeGreaterThan(0);
      console.log(
        `backlog: 10000 events drained on a pool of 2 in ${seconds.toFixed(1)} s (${Math.round(10_000 / seconds)} events/s) beside ${requests} load round trips`,
      );
    },
  );

  it(
    'a slow database (1 s handlers, pool of 2, prefetch 10) dead-letters no healthy event',
    { timeout: 120_000 },
    async () => {
      const db = database.client(2);
      const consumer = consumerOn(db, 'slow', 'SELECT pg_sleep(1)');
      const events = await backlog(consumer, 60);
      const ids = events.map((e) => e.id);
      await consumer.start();
      try {
        await waitFor(
          () => appliedStats(ids),
          (stats) => stats.events === ids.length,
          { timeoutMs: 90_000, intervalMs: 250, what: 'every slow effect' },
        );
      } finally {
        await consumer.stop();
      }
      expect(await appliedStats(ids)).toEqual({ events: ids.length, most: 1 });
      expect(await queueDepths('tests.slow')).toEqual({ dead: 0, retrying: 0 });
    },
  );
});
