// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { connect } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AmqpTransport,
  deadLetterQueueName,
  deleteTopology,
  enqueueEvent,
  EventConsumer,
  OutboxRelay,
  retryQueueName,
  type EventEnvelope,
  type EventTransport,
  type PublishResult,
  type Subscription,
} from '../src/index.js';
import { registeredUser } from './consumer-semantics.js';
import { amqpUrl, amqpUrlVia, randomSuffix, testLogger } from './services.js';
import { TcpProxy } from '../src/testing/index.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { waitFor } from './wait-for.js';

const effectSql = `
CREATE TABLE applied (event_id uuid PRIMARY KEY, times integer NOT NULL);
CREATE TABLE totals (id integer PRIMARY KEY, total integer NOT NULL);
INSERT INTO totals VALUES (1, 0);
`;

/** Wraps a transport to time its successful publishes (the relay's throughput) and count deliveries. */
class TimedTransport implements EventTransport {
  deliveries = 0;
  published = 0;
  publishingMs = 0;
  failures = 0;
  constructor(private readonly inner: EventTransport) {}
  async publish(envelopes: EventEnvelope[]): Promise<PublishResult> {
    const started = performance.now();
    let result: PublishResult;
    try {
      result = await this.inner.publish(envelopes);
    } catch (err) {
      this.failures += 1;
      throw err;
    }
    this.publishingMs += performance.now() - started;
    this.published += envelopes.length - result.failed.length;
    return result;
  }
  ready(): Promise<void> {
    return this.inner.ready();
  }
  consume(...[spec, onMessage]: Parameters<EventTransport['consume']>): Promise<Subscription> {
    return this.inner.consume(spec, (raw, meta) => {
      this.deliveries += 1;
      return onMessage(raw, meta);
    });
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('acceptance: 1,000 events through outbox, relay and RabbitMQ across a network cut', () => {
  const exchange = `jobber.events.test.${randomSuffix()}`;
  const queuePrefix = `test_${randomSuffix()}.`;
  const consumerName = 'tests.acceptance';
  const retryDelaysMs = [100, 500];
  let database: TestDatabase;
  let proxy: TcpProxy;
  /** Stops what a test started, even when it fails half-way. */
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(effectSql);
    proxy = await TcpProxy.start(5672);
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await proxy?.close();
    await deleteTopology(amqpUrl, {
      exchange,
      queues: [queuePrefix + consumerName],
      retryDelaysMs,
      queuePrefix,
    });
    await database?.drop();
  });

  async function total(): Promise<number> {
    const rows = await database.db.$queryRawUnsafe<{ total: number }[]>(
      'SELECT total FROM totals WHERE id = 1',
    );
    return rows[0]?.total ?? -1;
  }

  it('applies every event exactly once', { timeout: 120_000 }, async () => {
    const logger = testLogger();
    const transportOptions = {
      url: amqpUrlVia(proxy.port),
      exchange,
      queuePrefix,
      logger,
      reconnectDelaysMs: [100, 250, 500],
      confirmTimeoutMs: 5000,
    };
    const relayAmqp = new AmqpTransport(transportOptions);
    const consumerAmqp = new AmqpTransport(transportOptions);
    const relayTransport = new TimedTransport(relayAmqp);
    const consumerTransport = new TimedTransport(consumerAmqp);
    const consumer = new EventConsumer({
      name: consumerName,
      db: database.db,
      transport: consumerTransport,
      logger,
      retryDelaysMs,
      prefetch: 20,
      handlers: {
        'auth.user.registered': async (event, tx) => {
          await tx.$executeRawUnsafe(
            `INSERT INTO applied (event_id, times) VALUES ($1::uuid, 1)
             ON CONFLICT (event_id) DO UPDATE SET times = applied.times + 1`,
            event.id,
          );
          await tx.$executeRawUnsafe('UPDATE totals SET total = total + 1 WHERE id = 1');
        },
      },
    });
    const relay = new OutboxRelay({
      db: database.db,
      transport: relayTransport,
      logger,
      batchSize: 50,
      maxBackoffMs: 500,
    });

    stops.push(
      () => consumerTransport.close(),
      () => relayTransport.close(),
      () => consumer.stop(),
      () => relay.stop(),
    );

    const started = performance.now();
    await consumer.start(); // declares the queue before anything is published
    relay.start();
    const enqueueTransactions = async (count: number) => {
      for (let t = 0; t < count; t++) {
        await database.db.$transaction(async (tx) => {
          for (let i = 0; i < 50; i++) {
            await enqueueEvent(tx, 'auth', 'auth.user.registered', registeredUser());
          }
        });
        relay.nudge();
      }
    };

    await enqueueTransactions(10); // 500 events
    await waitFor(total, (n) => n >= 250, { timeoutMs: 30_000, what: '250 events applied' });
    // Cut both connections mid-stream, refuse new ones for a second; keep producing meanwhile.
    const cutAt = performance.now();
    await Promise.all([proxy.outage(1000), enqueueTransactions(10)]);
    const totalAtRestore = await total();

    await waitFor(total, (n) => n >= 1000, { timeoutMs: 60_000, what: '1,000 events applied' });
    const elapsedMs = performance.now() - started;
    await relay.stop();
    await consumer.stop();

    // Nothing left anywhere, nothing applied twice, nothing missing.
    const pending = await database.db.$queryRawUnsafe<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM outbox_events WHERE sent_at IS NULL',
    );
    expect(pending[0]?.n).toBe(0);
    const side = await connect(amqpUrl);
    const channel = await side.createChannel();
    const queue = queuePrefix + consumerName;
    for (const name of [
      queue,
      deadLetterQueueName(queue),
      ...retryDelaysMs.map((ms) => retryQueueName(queue, ms)),
    ]) {
      expect((await channel.checkQueue(name)).messageCount, name).toBe(0);
    }
    await side.close();
    const applied = await database.db.$queryRawUnsafe<{ events: number; most: number }[]>(
      'SELECT count(*)::int AS events, max(times)::int AS most FROM applied',
    );
    expect(applied[0]).toEqual({ events: 1000, most: 1 });
    expect(await total()).toBe(1000);
    const inbox = await database.db.$queryRawUnsafe<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM inbox_events WHERE consumer = $1::text',
      consumerName,
    );
    expect(inbox[0]?.n).toBe(1000);

    // The cut really happened to both connections, and both came back.
    expect(proxy.cutCount).toBeGreaterThanOrEqual(2);
    expect(relayAmqp.connectionCount).toBeGreaterThanOrEqual(2);
    expect(consumerAmqp.connectionCount).toBeGreaterThanOrEqual(2);
    expect(totalAtRestore).toBeLessThan(1000);

    const seconds = elapsedMs / 1000;
    console.log(
      [
        `acceptance: 1000 events applied exactly once in ${seconds.toFixed(2)} s`,
        `(incl. a ${((performance.now() - cutAt) / 1000).toFixed(1)} s tail from the cut, 1 s of it refused);`,
        `relay publish throughput ${Math.round((relayTransport.published / relayTransport.publishingMs) * 1000)} events/s`,
        `(${relayTransport.published} events published in ${relayTransport.publishingMs.toFixed(0)} ms of confirmed publishes,`,
        `${relayTransport.failures} failed publish calls during the cut);`,
        `reconnects: relay ${relayAmqp.connectionCount - 1}, consumer ${consumerAmqp.connectionCount - 1};`,
        `${consumerTransport.deliveries} deliveries (${consumerTransport.deliveries - 1000} redeliveries absorbed by the inbox)`,
      ].join(' '),
    );
    await relayTransport.close();
    await consumerTransport.close();
  });

  it(
    'measures how fast the relay drains a full outbox to RabbitMQ',
    { timeout: 60_000 },
    async () => {
      await database.db.$executeRawUnsafe('DELETE FROM outbox_events');
      const logger = testLogger();
      const transport = new AmqpTransport({ url: amqpUrl, exchange, queuePrefix, logger });
      stops.push(() => transport.close());
      const events: EventEnvelope[] = [];
      for (let t = 0; t < 10; t++) {
        await database.db.$transaction(async (tx) => {
          for (let i = 0; i < 100; i++) {
            events.push(await enqueueEvent(tx, 'auth', 'auth.user.registered', registeredUser()));
          }
        });
      }
      // The acceptance consumer's queue is still bound: count what arrives there.
      const relay = new OutboxRelay({ db: database.db, transport, logger, batchSize: 100 });
      const started = performance.now();
      expect(await relay.drain()).toBe(1000);
      const ms = performance.now() - started;
      const side = await connect(amqpUrl);
      const channel = await side.createChannel();
      await waitFor(
        () => channel.checkQueue(queuePrefix + consumerName).then((q) => q.messageCount),
        (n) => n === 1000,
        { what: '1,000 messages in the queue' },
      );
      await channel.purgeQueue(queuePrefix + consumerName);
      await side.close();
      await transport.close();
      console.log(
        `relay drain: 1000 events claimed, published with confirms and marked sent in ${ms.toFixed(0)} ms (${Math.round((1000 / ms) * 1000)} events/s)`,
      );
    },
  );
});
