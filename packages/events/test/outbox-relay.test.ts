import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enqueueEvent, EnvelopeError, OutboxRelay, type EventEnvelope } from '../src/index.js';
import { registeredUser } from './consumer-semantics.js';
import { RecordingTransport } from './recording-transport.js';
import { testLogger } from './services.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { waitFor } from './wait-for.js';

describe('outbox and relay', () => {
  let database: TestDatabase;
  const logger = testLogger();
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(relays.map((relay) => relay.stop()));
    await database?.drop();
  });
  beforeEach(async () => {
    await database.db.$executeRawUnsafe('DELETE FROM outbox_events');
  });

  function relayWith(
    transport: RecordingTransport,
    options: { batchSize?: number; pollIntervalMs?: number } = {},
  ) {
    const relay = new OutboxRelay({ db: database.db, transport, logger, ...options });
    relays.push(relay);
    return relay;
  }

  async function enqueueMany(count: number, perTransaction = 50): Promise<EventEnvelope[]> {
    const all: EventEnvelope[] = [];
    for (let i = 0; i < count; i += perTransaction) {
      const n = Math.min(perTransaction, count - i);
      const batch = await database.db.$transaction(async (tx) => {
        const out: EventEnvelope[] = [];
        for (let j = 0; j < n; j++) {
          out.push(await enqueueEvent(tx, 'auth', 'auth.user.registered', registeredUser()));
        }
        return out;
      });
      all.push(...batch);
    }
    return all;
  }

  async function outboxRows() {
    return database.db.$queryRawUnsafe<
      { id: string; payload: unknown; sent: boolean; attempts: number; last_error: string | null }[]
    >(
      'SELECT id::text, payload, sent_at IS NOT NULL AS sent, attempts, last_error FROM outbox_events ORDER BY seq',
    );
  }

  it('stores the whole envelope and refuses events that break their contract', async () => {
    const envelope = await database.db.$transaction((tx) =>
      enqueueEvent(tx, 'auth', 'auth.user.registered', registeredUser()),
    );
    const bad = { ...registeredUser(), email: 'nope' };
    await expect(
      database.db.$transaction((tx) => enqueueEvent(tx, 'auth', 'auth.user.registered', bad)),
    ).rejects.toBeInstanceOf(EnvelopeError);
    const rows = await outboxRows();
    expect(rows).toEqual([
      { id: envelope.id, payload: envelope, sent: false, attempts: 0, last_error: null },
    ]);
  });

  it('publishes in seq order, in batches, and marks rows sent', async () => {
    const transport = new RecordingTransport();
    const events = await enqueueMany(230);
    expect(await relayWith(transport, { batchSize: 100 }).drain()).toBe(230);
    expect(transport.published.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(transport.batches.map((batch) => batch.length)).toEqual([100, 100, 30]);
    const rows = await outboxRows();
    expect(rows.every((row) => row.sent && row.attempts === 1 && row.last_error === null)).toBe(
      true,
    );
  });

  it('records failures, backs off and retries without losing or reordering events', async () => {
    const transport = new RecordingTransport();
    const events = await enqueueMany(5);
    transport.failNext(2);
    const relay = relayWith(transport, { pollIntervalMs: 60_000 });
    await expect(relay.drain()).rejects.toThrow('broker unreachable');
    let rows = await outboxRows();
    expect(rows.every((row) => !row.sent && row.attempts === 1)).toBe(true);
    expect(rows[0]?.last_error).toBe('broker unreachable');

    relay.start();
    await waitFor(outboxRows, (current) => current.every((row) => row.sent), {
      what: 'all rows sent after retries',
    });
    rows = await outboxRows();
    expect(rows.every((row) => row.attempts === 3 && row.last_error === null)).toBe(true);
    expect(transport.published.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(transport.publishCalls).toBe(3);
    await relay.stop();
  });

  it('publishes soon after a nudge instead of waiting for the poll interval', async () => {
    const transport = new RecordingTransport();
    const relay = relayWith(transport, { pollIntervalMs: 60_000 });
    await enqueueMany(1);
    relay.start();
    // Once the first event is out the relay idles for the 60 s poll interval.
    await waitFor(
      () => transport.published.length,
      (n) => n === 1,
      { what: 'the first publish' },
    );
    const [event] = await enqueueMany(1);
    const started = Date.now();
    relay.nudge();
    await waitFor(
      () => transport.published.length,
      (n) => n === 2,
      {
        timeoutMs: 5000,
        what: 'a nudged publish',
      },
    );
    expect(transport.published[1]?.id).toBe(event?.id);
    expect(Date.now() - started).toBeLessThan(5000);
    await relay.stop();
  });

  it('stop() finishes the batch in flight', async () => {
    const transport = new RecordingTransport();
    await enqueueMany(3);
    const release = transport.hold();
    const relay = relayWith(transport, { pollIntervalMs: 60_000 });
    relay.start();
    await waitFor(
      () => transport.publishCalls,
      (n) => n === 1,
      { what: 'the held publish' },
    );
    let stopped = false;
    const stopping = relay.stop().then(() => {
      stopped = true;
    });
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await stopping;
    const rows = await outboxRows();
    expect(rows.every((row) => row.sent)).toBe(true);
    expect(transport.publishCalls).toBe(1);
  });

  it('lets several relays share the table without publishing an event twice', async () => {
    const events = await enqueueMany(600, 100);
    const transports = [
      new RecordingTransport(),
      new RecordingTransport(),
      new RecordingTransport(),
    ];
    const counts = await Promise.all(
      transports.map((transport) => relayWith(transport, { batchSize: 25 }).drain()),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(600);
    const all = transports.flatMap((transport) => transport.published.map((e) => e.id));
    expect(new Set(all).size).toBe(600);
    expect(all.sort()).toEqual(events.map((e) => e.id).sort());
    // Each relay saw its events in seq order.
    const position = new Map(events.map((e, i) => [e.id, i]));
    for (const transport of transports) {
      const seen = transport.published.map((e) => position.get(e.id) ?? -1);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
    }
    expect((await outboxRows()).every((row) => row.sent)).toBe(true);
  });

  it('prunes sent rows older than the retention, keeping unsent and recent ones', async () => {
    const [oldSent, recentSent, oldUnsent] = await enqueueMany(3);
    await database.db.$executeRawUnsafe(
      `UPDATE outbox_events SET sent_at = now() - interval '8 days' WHERE id = $1::uuid`,
      oldSent?.id,
    );
    await database.db.$executeRawUnsafe(
      `UPDATE outbox_events SET sent_at = now() - interval '1 day' WHERE id = $1::uuid`,
      recentSent?.id,
    );
    await database.db.$executeRawUnsafe(
      `UPDATE outbox_events SET created_at = now() - interval '30 days' WHERE id = $1::uuid`,
      oldUnsent?.id,
    );
    const transport = new RecordingTransport();
    transport.failNext(Number.MAX_SAFE_INTEGER); // keep oldUnsent unsent
    const relay = relayWith(transport, { pollIntervalMs: 60_000 });
    await relay.drain().catch(() => undefined);
    relay.start();
    await waitFor(outboxRows, (rows) => rows.length === 2, { what: 'the old sent row pruned' });
    await relay.stop();
    const rows = await outboxRows();
    expect(rows.map((row) => row.id)).toEqual([recentSent?.id, oldUnsent?.id]);
  });
});
