import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createEnvelope,
  enqueueEvent,
  EventConsumer,
  InProcessTransport,
  OutboxRelay,
  type ConsumerOutcome,
  type EventMetrics,
  type OutboxBacklog,
} from '../src/index.js';
import { registeredUser } from './consumer-semantics.js';
import { RecordingTransport } from './recording-transport.js';
import { testLogger } from './services.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { waitFor } from './wait-for.js';

class RecordingMetrics implements EventMetrics {
  backlogs: OutboxBacklog[] = [];
  published = 0;
  parked = 0;
  outcomes: string[] = [];
  outboxBacklog(sample: OutboxBacklog): void {
    this.backlogs.push(sample);
  }
  eventsPublished(count: number): void {
    this.published += count;
  }
  eventsParked(count: number): void {
    this.parked += count;
  }
  consumerOutcome(consumer: string, outcome: ConsumerOutcome): void {
    this.outcomes.push(`${consumer} ${outcome}`);
  }
}

describe('pruning and metrics', () => {
  let database: TestDatabase;
  const logger = testLogger();
  const hour = 60 * 60 * 1000;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  beforeEach(async () => {
    await database.db.$executeRawUnsafe('DELETE FROM outbox_events; DELETE FROM inbox_events');
  });

  async function ids(sql: string): Promise<string[]> {
    const rows = await database.db.$queryRawUnsafe<{ id: string }[]>(sql);
    return rows.map((row) => row.id);
  }

  it('the relay prunes sent rows after its configured retention and never parked rows', async () => {
    const [oldSent, recentSent, oldParked, unsent] = await database.db.$transaction(async (tx) => [
      await enqueueEvent(tx, 'auth', 'auth.user.registered', registeredUser()),
      await enqueueEvent(tx, 'auth', 'auth.user.registered', registeredUser()),
      await enqueueEvent(tx, 'auth', 'auth.user.registered', registeredUser()),
      await enqueueEvent(tx, 'auth', 'auth.user.registered', registeredUser()),
    ]);
    await database.db.$executeRawUnsafe(
      `UPDATE outbox_events SET sent_at = now() - interval '2 hours' WHERE id = $1::uuid;`,
      oldSent?.id,
    );
    await database.db.$executeRawUnsafe(
      `UPDATE outbox_events SET sent_at = now() - interval '30 minutes' WHERE id = $1::uuid`,
      recentSent?.id,
    );
    await database.db.$executeRawUnsafe(
      `UPDATE outbox_events SET created_at = now() - interval '30 days',
         parked_at = now() - interval '30 days' WHERE id = $1::uuid`,
      oldParked?.id,
    );
    const relay = new OutboxRelay({
      db: database.db,
      transport: new RecordingTransport(),
      logger,
      retentionMs: hour,
    });
    expect(await relay.prune()).toBe(1);
    expect(await ids('SELECT id::text AS id FROM outbox_events ORDER BY seq')).toEqual([
      recentSent?.id,
      oldParked?.id,
      unsent?.id,
    ]);
  });

  it('a consumer prunes its own inbox rows after its retention, on start and on demand', async () => {
    const old = randomUUID();
    const recent = randomUUID();
    const othersOld = randomUUID();
    await database.db.$executeRawUnsafe(
      `INSERT INTO inbox_events (consumer, event_id, type, processed_at) VALUES
       ('tests.pruned', $1::uuid, 'auth.user.registered', now() - interval '2 hours'),
       ('tests.pruned', $2::uuid, 'auth.user.registered', now() - interval '30 minutes'),
       ('tests.other', $3::uuid, 'auth.user.registered', now() - interval '2 hours')`,
      old,
      recent,
      othersOld,
    );
    const transport = new InProcessTransport();
    const consumer = new EventConsumer({
      name: 'tests.pruned',
      db: database.db,
      transport,
      logger,
      inboxRetentionMs: hour,
      handlers: { 'auth.user.registered': async () => undefined },
    });
    await consumer.start();
    const left = await waitFor(
      () => ids('SELECT event_id::text AS id FROM inbox_events ORDER BY event_id'),
      (rows) => rows.length === 2,
      { what: 'the old inbox row pruned on start' },
    );
    expect(left.sort()).toEqual([recent, othersOld].sort());
    expect(await consumer.prune()).toBe(0);
    await consumer.stop();
    await transport.close();
  });

  it('the relay and consumers report to the metrics sink', async () => {
    const metrics = new RecordingMetrics();
    const transport = new InProcessTransport({ maxMessageBytes: 10_000 });
    const tried = new Set<string>();
    const consumer = new EventConsumer({
      name: 'tests.metered',
      db: database.db,
      transport,
      logger,
      metrics,
      prefetch: 1,
      retryDelaysMs: [10],
      handlers: {
        'auth.user.registered': async (event) => {
          const { username } = event.data;
          const firstTry = !tried.has(username);
          tried.add(username);
          if (username === 'fails' || (username === 'flaky' && firstTry)) {
            throw new Error('handler failed');
          }
        },
      },
    });
    await consumer.start();
    const relay = new OutboxRelay({
      db: database.db,
      transport,
      logger,
      metrics,
      metricsIntervalMs: 0,
    });
    await database.db.$transaction(async (tx) => {
      await enqueueEvent(tx, 'auth', 'auth.user.registered', registeredUser());
      await enqueueEvent(tx, 'auth', 'auth.user.registered', {
        ...registeredUser(),
        username: 'flaky',
      });
      await enqueueEvent(tx, 'auth', 'auth.user.registered', {
        ...registeredUser(),
        username: 'fails',
      });
      await enqueueEvent(tx, 'auth', 'auth.user.registered', {
        ...registeredUser(),
        profilePictureUrl: 'x'.repeat(20_000),
      });
    });
    expect(await relay.drain()).toBe(3);
    expect(metrics.published).toBe(3);
    expect(metrics.parked).toBe(1);
    const duplicate = createEnvelope('auth', 'auth.user.registered', registeredUser());
    await transport.publish([duplicate, duplicate]);
    transport.publishRaw('auth.user.registered', 'not JSON');
    await waitFor(
      () => metrics.outcomes.length,
      (n) => n >= 10,
      { what: 'every outcome' },
    );
    const counts: Record<string, number> = {};
    for (const outcome of metrics.outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
    expect(counts).toEqual({
      'tests.metered handled': 3, // plain, flaky on its retry, the duplicate's first copy
      'tests.metered duplicate': 1,
      'tests.metered failed': 3, // flaky once, fails twice
      'tests.metered retried': 2,
      'tests.metered dead_lettered': 2, // fails after its retry, and the invalid message
    });

    relay.start();
    await waitFor(
      () => metrics.backlogs.length,
      (n) => n > 0,
      { what: 'a backlog sample' },
    );
    await relay.stop();
    expect(metrics.backlogs[0]).toEqual({ unsent: 0, parked: 1, oldestUnsentAgeMs: 0 });
    await consumer.stop();
    await transport.close();
  });
});
