// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@jobber/test-kit';
import { UsersKit } from './users-kit.js';

// The kit sizes the event machinery to DATABASE_POOL_SIZE: on a pool of 2 the relay and the
// consumer share one connection, so HTTP requests always find the other.
describe('consumers sized to a pool of 2', () => {
  let kit: UsersKit;
  let locker: pg.Client | undefined;

  beforeAll(async () => {
    kit = await UsersKit.start({ DATABASE_POOL_SIZE: '2' });
  });
  afterAll(async () => {
    await locker?.end();
    await kit?.stop();
  });

  /** Backends of the users database waiting for a lock (the consumer's transactions). */
  async function lockWaiters(): Promise<number> {
    const { rows } = await kit.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    return rows[0]?.n ?? 0;
  }

  it('serves requests while the consumer holds its transaction, and drains the backlog after', async () => {
    const database = kit.supergraph.databases.users;
    if (!database) throw new Error('users has no database');
    // Inserts into buyers wait for this lock; reads do not. Every handler transaction the
    // consumer opens now holds a pooled connection until the lock goes.
    locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE buyers IN SHARE MODE');

    const accounts = await kit.register(20);
    await eventually(async () => (await lockWaiters()) >= 1, {
      what: 'a consumer transaction waiting for the lock',
    });

    // Each request reads the buyers table through the pool: it needs the second connection.
    for (let i = 0; i < 3; i++) expect(await kit.buyerProfile(randomUUID())).toBeNull();
    // With a consumer concurrency of 2 both connections would wait here, and the requests
    // above would have got UNAVAILABLE after DATABASE_POOL_TIMEOUT_MS.
    expect(await lockWaiters()).toBe(1);

    await locker.query('COMMIT');
    await eventually(
      async () => {
        const { rows } = await kit.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM buyers WHERE id = ANY($1::uuid[])',
          [accounts.map((account) => account.id)],
        );
        return rows[0]?.n === accounts.length;
      },
      { what: 'every registration consumed' },
    );
  });
});
