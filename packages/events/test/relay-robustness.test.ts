// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { randomUUID } from 'node:crypto';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { declareExchange } from '../src/amqp-topology.js';
import {
  AmqpTransport,
  createEnvelope,
  enqueueEvent,
  deleteTopology,
  OutboxRelay,
  type EventEnvelope,
  type OutboxRelayOptions,
} from '../src/index.js';
import { registeredUser } from './consumer-semantics.js';
import { RecordingLogger } from './recording-logger.js';
import { RecordingTransport } from './recording-transport.js';
import { amqpUrl, randomSuffix, testLogger } from './services.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { waitFor } from './wait-for.js';

interface Row {
  id: string;
  sent: boolean;
  attempts: number;
  last_error: string | null;
  parked: boolean;
  waiting: boolean;
}

describe('relay: a row that cannot be published does not block the rows behind it', () => {
  let database: TestDatabase;
  const relays: OutboxRelay[] = [];
  const exchange = `jobber.events.test.${randomSuffix()}`;
  const queue = `test_${randomSuffix()}.relay-robustness`;
  let side: ChannelModel;
  let channel: Channel;

  beforeAll(async () => {
    database = await createTestDatabase();
    side = await connect(amqpUrl);
    channel = await side.createChannel();
    await declareExchange(channel, exchange);
  });
  afterAll(async () => {
    await Promise.all(relays.map((relay) => relay.stop()));
    await deleteTopology(amqpUrl, { exchange, queues: [], topology: [] });
    await side?.close();
    await database?.drop();
  });
  beforeEach(async () => {
    await database.db.$executeRawUnsafe('DELETE FROM outbox_events');
  });

  function relayWith(options: Omit<OutboxRelayOptions, 'db'>): OutboxRelay {
    const relay = new OutboxRelay({ db: database.db, ...options });
    relays.push(relay);
    return relay;
  }

  async function rows(): Promise<Row[]> {
    return database.db.$queryRawUnsafe<Row[]>(
      `SELECT id::text, sent_at IS NOT NULL AS sent, attempts, last_error,
              parked_at IS NOT NULL AS parked, next_attempt_at > now() AS waiting
       FROM outbox_events ORDER BY seq`,
    );
  }

  async function enqueueHealthy(count: number): Promise<EventEnvelope[]> {
    const all: EventEnvelope[] = [];
    for (let i = 0; i < count; i += 100) {
      all.push(
        ...(await database.db.$transaction(async (tx) => {
          const batch: EventEnvelope[] = [];
          for (let j = 0; j < Math.min(100, count - i); j++) {
            batch.push(await enqueueEvent(tx, 'auth', 'auth.user.registered', registeredUser()));
          }
          return batch;
        })),
      );
    }
    return all;
  }

  /** Runs a relay until every healthy row is sent; returns the ms it took and the order seen. */
  async function runUntilSent(
    transport: AmqpTransport,
    healthy: EventEnvelope[],
  ): Promise<{ ms: number; order: string[] }> {
    await channel.assertQueue(queue, { durable: false, exclusive: false });
    await channel.bindQueue(queue, exchange, 'auth.user.registered');
    await channel.purgeQueue(queue);
    const order: string[] = [];
    const { consumerTag } = await channel.consume(
      queue,
      (message) => {
        if (message) order.push(String(message.properties.messageId));
      },
      { noAck: true },
    );
    const relay = relayWith({ transport, logger: testLogger(), pollIntervalMs: 50 });
    const started = performance.now();
    relay.start();
    const wanted = new Set(healthy.map((e) => e.id));
    await waitFor(
      async () => (await rows()).filter((row) => row.sent && wanted.has(row.id)).length,
      (n) => n === healthy.length,
      { timeoutMs: 60_000, what: `${healthy.length} healthy rows sent` },
    );
    const ms = performance.now() - started;
    await relay.stop();
    await waitFor(
      () => order.length,
      (n) => n >= healthy.length,
      { what: 'every message in the queue' },
    );
    await channel.cancel(consumerTag);
    await channel.deleteQueue(queue);
    return { ms, order };
  }

  it(
    'acceptance: an invalid row and a too-large row in front do not delay the 1,000 rows after them',
    { timeout: 120_000 },
    async () => {
      const transport = new AmqpTransport({
        url: amqpUrl,
        exchange,
        topology: [],
        logger: testLogger(),
        maxMessageBytes: 64 * 1024,
      });
      try {
        // Baseline: 1,000 healthy rows alone.
        const alone = await enqueueHealthy(1000);
        const baseline = await runUntilSent(transport, alone);
        await database.db.$executeRawUnsafe('DELETE FROM outbox_events');

        // The same behind an unpublishable pair: a payload that is no envelope, and one too large.
        const invalidId = randomUUID();
        await database.db.$executeRawUnsafe(
          `INSERT INTO outbox_events (id, type, payload) VALUES ($1::uuid, 'auth.user.registered', '{"oops": true}')`,
          invalidId,
        );
        const huge = await database.db.$transaction((tx) =>
          enqueueEvent(tx, 'auth', 'auth.user.registered', {
            ...registeredUser(),
            profilePictureUrl: `https://cdn.example.com/${'x'.repeat(100_000)}`,
          }),
        );
        const healthy = await enqueueHealthy(1000);
        const run = await runUntilSent(transport, healthy);

        expect(run.order).toEqual(healthy.map((e) => e.id)); // in seq order, nothing else
        const all = await rows();
        const byId = new Map(all.map((row) => [row.id, row]));
        expect(byId.get(invalidId)).toMatchObject({ sent: false, parked: true, attempts: 1 });
        expect(byId.get(invalidId)?.last_error).toContain('does not hold an event envelope');
        expect(byId.get(huge.id)).toMatchObject({ sent: false, parked: true, attempts: 1 });
        expect(byId.get(huge.id)?.last_error).toContain('exceeds the limit');
        expect(all.filter((row) => row.sent)).toHaveLength(1000);
        // Not held up: no slower than a few times the healthy baseline measured just before.
        expect(run.ms).toBeLessThan(baseline.ms * 3);
        console.log(
          `relay robustness: 1000 rows sent in ${run.ms.toFixed(0)} ms behind 2 unpublishable rows (alone: ${baseline.ms.toFixed(0)} ms)`,
        );
      } finally {
        await transport.close();
      }
    },
  );

  it('a row the broker refuses backs off on its own and is parked after maxAttempts, logged as an error', async () => {
    const transport = new RecordingTransport();
    const logger = new RecordingLogger();
    const [refused, ...rest] = await enqueueHealthy(5);
    if (!refused) throw new Error('no rows');
    transport.refuse(refused.id);
    const options = { transport, logger, pollIntervalMs: 20, maxAttempts: 3 };
    // One pass, with a back-off far longer than the test (however slow the machine): the rest
    // is sent, the refused row waits for its next attempt.
    const patient = relayWith({ ...options, rowBackoffBaseMs: 600_000, rowMaxBackoffMs: 600_000 });
    expect(await patient.drain()).toBe(4);
    expect(transport.published.map((e) => e.id)).toEqual(rest.map((e) => e.id));
    let refusedRow = (await rows())[0];
    expect(refusedRow).toMatchObject({ id: refused.id, sent: false, attempts: 1, parked: false });
    expect(refusedRow?.waiting).toBe(true);
    expect(refusedRow?.last_error).toBe('refused by the broker');

    // Its attempt due now, and short back-offs from here: two more attempts, then parked.
    await database.db.$executeRawUnsafe('UPDATE outbox_events SET next_attempt_at = now()');
    const relay = relayWith({ ...options, rowBackoffBaseMs: 50, rowMaxBackoffMs: 200 });
    relay.start();
    refusedRow = (
      await waitFor(rows, (current) => current[0]?.parked === true, { what: 'the row parked' })
    )[0];
    await relay.stop();
    expect(refusedRow).toMatchObject({ sent: false, attempts: 3, parked: true });
    const errors = logger.at('error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.obj).toMatchObject({ eventId: refused.id, attempts: 3 });
    // Parked rows are not claimed again.
    const calls = transport.publishCalls;
    expect(await relay.drain()).toBe(0);
    expect(transport.publishCalls).toBe(calls);
  });

  it('a broker outage (the whole publish fails) parks nothing, however often it fails', async () => {
    const transport = new RecordingTransport();
    await enqueueHealthy(3);
    transport.failNext(4);
    const relay = relayWith({ transport, logger: testLogger(), maxAttempts: 2, maxBackoffMs: 20 });
    relay.start();
    await waitFor(rows, (current) => current.every((row) => row.sent), { what: 'all sent' });
    await relay.stop();
    expect((await rows()).every((row) => !row.parked && row.attempts === 5)).toBe(true);
  });

  it('AmqpTransport.publish reports the envelopes the broker nacks and confirms the rest', async () => {
    const nackExchange = `${exchange}.nack`;
    const full = `test_${randomSuffix()}.full`;
    await declareExchange(channel, nackExchange);
    await channel.assertQueue(full, {
      durable: false,
      arguments: { 'x-max-length': 1, 'x-overflow': 'reject-publish' },
    });
    await channel.bindQueue(full, nackExchange, 'auth.user.registered');
    const transport = new AmqpTransport({
      url: amqpUrl,
      exchange: nackExchange,
      topology: [],
      logger: testLogger(),
    });
    try {
      const envelopes = [1, 2, 3].map(() =>
        createEnvelope('auth', 'auth.user.registered', registeredUser()),
      );
      const result = await transport.publish(envelopes);
      expect(result.failed.map((failure) => failure.id)).toEqual([
        envelopes[1]?.id,
        envelopes[2]?.id,
      ]);
      expect(result.failed.every((failure) => !failure.permanent)).toBe(true);
      const tooLarge = createEnvelope('auth', 'auth.user.registered', {
        ...registeredUser(),
        profilePictureUrl: 'x'.repeat(2 * 1024 * 1024),
      });
      expect((await transport.publish([tooLarge])).failed).toEqual([
        { id: tooLarge.id, error: expect.stringContaining('exceeds'), permanent: true },
      ]);
    } finally {
      await transport.close();
      await channel.deleteQueue(full);
      await deleteTopology(amqpUrl, { exchange: nackExchange, queues: [], topology: [] });
    }
  });
});
