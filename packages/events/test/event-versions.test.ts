import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyIfNewer,
  createEnvelope,
  enqueueEvent,
  EventConsumer,
  InProcessTransport,
  parseEnvelope,
  type EventData,
  type EventEnvelope,
} from '../src/index.js';
import type { PgQueries } from './pg-sql-client.js';
import { testLogger } from './services.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { waitFor } from './wait-for.js';

const snapshotSql = `
CREATE TABLE seller_snapshots (user_id uuid PRIMARY KEY, full_name text NOT NULL, version integer NOT NULL);
`;

function seller(userId: string, fullName: string): EventData<'users.seller.updated'> {
  return {
    userId,
    username: `u_${userId.slice(0, 8)}`,
    fullName,
    oneliner: 'x',
    skills: [],
    languages: [],
    country: 'DE',
  };
}

describe('aggregate versions and applyIfNewer', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(snapshotSql);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('stamps the aggregate and numbers its events 1, 2, 3 in the producing transaction', async () => {
    const a = randomUUID();
    const b = randomUUID();
    const versions = await database.db.$transaction(async (tx) => [
      await enqueueEvent(tx, 'users', 'users.seller.created', seller(a, 'A')),
      await enqueueEvent(tx, 'users', 'users.seller.updated', seller(a, 'A2')),
      await enqueueEvent(tx, 'users', 'users.seller.created', seller(b, 'B')),
    ]);
    expect(versions.map((e) => [e.aggregateType, e.aggregateId, e.version])).toEqual([
      ['seller', a, 1],
      ['seller', a, 2],
      ['seller', b, 1],
    ]);
    // A rolled-back transaction gives its version back.
    await expect(
      database.db.$transaction(async (tx) => {
        await enqueueEvent(tx, 'users', 'users.seller.updated', seller(a, 'lost'));
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');
    const next = await database.db.$transaction((tx) =>
      enqueueEvent(tx, 'users', 'users.seller.updated', seller(a, 'A3')),
    );
    expect(next.version).toBe(3);
    // The stored payload is the returned envelope, version included.
    const rows = await database.db.$queryRawUnsafe<{ payload: EventEnvelope }[]>(
      'SELECT payload FROM outbox_events WHERE id = $1::uuid',
      next.id,
    );
    expect(rows[0]?.payload).toEqual(next);
  });

  it('serialises concurrent writers of one aggregate: versions are distinct and follow commit order', async () => {
    const id = randomUUID();
    const writers = Array.from({ length: 8 }, (_, i) =>
      database.db.$transaction(async (tx) => {
        const event = await enqueueEvent(tx, 'users', 'users.seller.updated', seller(id, `w${i}`));
        // In microseconds: milliseconds tie when commits are fast (no fsync).
        const [row] = await tx.$queryRawUnsafe<{ at: string }[]>(
          'SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text AS at',
        );
        return { version: event.version, committedAfter: Number(row?.at ?? 0) };
      }),
    );
    const results = await Promise.all(writers);
    expect(results.map((r) => r.version).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const byTime = [...results].sort((x, y) => x.committedAfter - y.committedAfter);
    expect(byTime.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('reads envelopes from before versions as version 0 of the aggregate their contract names', () => {
    const id = randomUUID();
    const modern = createEnvelope('users', 'users.seller.updated', seller(id, 'A'));
    const { aggregateType: _type, aggregateId: _id, version: _version, ...legacy } = modern;
    expect(parseEnvelope(legacy)).toEqual({ ...modern, version: 0 });
    const wrong = parseEnvelope({ ...modern, aggregateId: randomUUID() });
    expect(wrong).toMatchObject({ reason: 'invalid_data' });
  });

  it('applyIfNewer applies newer versions only, and unversioned ones only before any versioned', async () => {
    const aggregateId = randomUUID();
    const event = (version: number) => ({ aggregateType: 'seller', aggregateId, version });
    const decide = (version: number) =>
      database.db.$transaction((tx) => applyIfNewer(tx, 'tests.sellers', event(version)));
    expect(await decide(0)).toBe(true);
    expect(await decide(0)).toBe(true);
    expect(await decide(2)).toBe(true);
    expect(await decide(1)).toBe(false);
    expect(await decide(2)).toBe(false);
    expect(await decide(0)).toBe(false);
    expect(await decide(5)).toBe(true);
    // Another snapshot of the same aggregate keeps its own version.
    expect(await database.db.$transaction((tx) => applyIfNewer(tx, 'tests.other', event(1)))).toBe(
      true,
    );
  });

  it('acceptance: two events of one aggregate delivered in reverse order leave the newer snapshot', async () => {
    const transport = new InProcessTransport();
    const logger = testLogger();
    const userId = randomUUID();
    const [older, newer] = await database.db.$transaction(async (tx) => [
      await enqueueEvent(tx, 'users', 'users.seller.created', seller(userId, 'Ada')),
      await enqueueEvent(tx, 'users', 'users.seller.updated', seller(userId, 'Ada Lovelace')),
    ]);
    if (!older || !newer) throw new Error('enqueue failed');
    const handled: number[] = [];
    const upsert = async (
      event: EventEnvelope<'users.seller.created' | 'users.seller.updated'>,
      tx: PgQueries,
    ) => {
      handled.push(event.version);
      if (!(await applyIfNewer(tx, 'tests.seller-snapshots', event))) return;
      await tx.$executeRawUnsafe(
        `INSERT INTO seller_snapshots (user_id, full_name, version) VALUES ($1::uuid, $2::text, $3::int)
         ON CONFLICT (user_id) DO UPDATE SET full_name = EXCLUDED.full_name, version = EXCLUDED.version`,
        event.aggregateId,
        event.data.fullName,
        event.version,
      );
    };
    const consumer = new EventConsumer({
      name: 'tests.seller-snapshots',
      db: database.db,
      transport,
      logger,
      prefetch: 1,
      handlers: { 'users.seller.created': upsert, 'users.seller.updated': upsert },
    });
    await consumer.start();
    await transport.publish([newer, older]); // the late one last
    await waitFor(
      () => handled.length,
      (n) => n === 2,
      { what: 'both events handled' },
    );
    await consumer.stop();
    await transport.close();
    expect(handled).toEqual([2, 1]);
    const rows = await database.db.$queryRawUnsafe<{ full_name: string; version: number }[]>(
      'SELECT full_name, version FROM seller_snapshots WHERE user_id = $1::uuid',
      userId,
    );
    expect(rows).toEqual([{ full_name: 'Ada Lovelace', version: 2 }]);
  });
});
