import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEnvelope,
  EventConsumer,
  InProcessTransport,
  type EventEnvelope,
  type TransactionalSqlClient,
} from '../src/index.js';
import { registeredUser } from './consumer-semantics.js';
import type { PgQueries } from './pg-sql-client.js';
import { testLogger } from './services.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { waitFor } from './wait-for.js';

const effectSql = `
CREATE TABLE applied (consumer text, event_id uuid, times integer NOT NULL, PRIMARY KEY (consumer, event_id));
`;

describe('consumer batches: deliveries waiting together share one transaction', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(effectSql);
  });
  afterAll(async () => {
    await database?.drop();
  });

  /** The database client, counting the transactions it opens. */
  function counting(): { db: TransactionalSqlClient<PgQueries>; transactions: () => number } {
    let count = 0;
    const db: TransactionalSqlClient<PgQueries> = {
      $queryRawUnsafe: (query, ...values) => database.db.$queryRawUnsafe(query, ...values),
      $executeRawUnsafe: (query, ...values) => database.db.$executeRawUnsafe(query, ...values),
      $transaction: (fn, options) => {
        count += 1;
        return database.db.$transaction(fn, options);
      },
    };
    return { db, transactions: () => count };
  }

  async function run(name: string, events: EventEnvelope[], failFirstTry: Set<string>) {
    const transport = new InProcessTransport();
    const { db, transactions } = counting();
    const tried = new Set<string>();
    const consumer = new EventConsumer({
      name,
      db,
      transport,
      logger: testLogger(),
      prefetch: 100,
      concurrency: 1,
      retryDelaysMs: [20],
      handlers: {
        'auth.user.registered': async (event, tx) => {
          const first = !tried.has(event.id);
          tried.add(event.id);
          await tx.$executeRawUnsafe(
            `INSERT INTO applied (consumer, event_id, times) VALUES ($1::text, $2::uuid, 1)
             ON CONFLICT (consumer, event_id) DO UPDATE SET times = applied.times + 1`,
            name,
            event.id,
          );
          if (first && failFirstTry.has(event.id)) throw new Error('fails on its first try');
        },
      },
    });
    await consumer.start();
    await transport.publish(events);
    const unique = new Set(events.map((e) => e.id)).size;
    const rows = await waitFor(
      () =>
        database.db.$queryRawUnsafe<{ events: number; most: number | null }[]>(
          'SELECT count(*)::int AS events, max(times)::int AS most FROM applied WHERE consumer = $1::text',
          name,
        ),
      (current) => current[0]?.events === unique,
      { what: `${unique} effects` },
    );
    await consumer.stop();
    await transport.close();
    const inbox = await database.db.$queryRawUnsafe<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM inbox_events WHERE consumer = $1::text',
      name,
    );
    return {
      stats: rows[0],
      inbox: inbox[0]?.n,
      transactions: transactions(),
      deadLetters: transport.deadLetters.length,
    };
  }

  it('handles 100 waiting events in a few transactions, a duplicate among them once', async () => {
    const events = Array.from({ length: 100 }, () =>
      createEnvelope('auth', 'auth.user.registered', registeredUser()),
    );
    const first = events[0];
    if (!first) throw new Error('no events');
    const result = await run('tests.batched', [...events, first], new Set());
    expect(result.stats).toEqual({ events: 100, most: 1 });
    expect(result.inbox).toBe(100);
    expect(result.transactions).toBeLessThan(10);
    expect(result.deadLetters).toBe(0);
  });

  it('one failing handler rolls its batch back; the others apply once, it applies on its retry', async () => {
    const events = Array.from({ length: 30 }, () =>
      createEnvelope('auth', 'auth.user.registered', registeredUser()),
    );
    const failing = events[10];
    if (!failing) throw new Error('no events');
    const result = await run('tests.batch-failure', events, new Set([failing.id]));
    expect(result.stats).toEqual({ events: 30, most: 1 });
    expect(result.inbox).toBe(30);
    expect(result.deadLetters).toBe(0);
  });
});
