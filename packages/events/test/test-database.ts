import pg from 'pg';
import { eventTablesSql } from '../src/index.js';
import { PgSqlClient } from './pg-sql-client.js';
import { postgresAdminUrl, randomSuffix } from './services.js';

export interface TestDatabase {
  name: string;
  db: PgSqlClient;
  /** Another client on a pool of its own with at most `max` connections (ended by drop()). */
  client(max: number): PgSqlClient;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database with the outbox and inbox tables (plus `extraSql`); drop() removes it. */
export async function createTestDatabase(extraSql = ''): Promise<TestDatabase> {
  const name = `events_test_${randomSuffix()}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 20 });
  // An idle client killed by drop() (e.g. after a failed test left workers running) must not crash the run.
  pool.on('error', () => undefined);
  await pool.query(eventTablesSql + extraSql);
  const extraPools: pg.Pool[] = [];
  return {
    name,
    db: new PgSqlClient(pool),
    client(max) {
      const extra = new pg.Pool({ connectionString: url.toString(), max });
      extra.on('error', () => undefined);
      extraPools.push(extra);
      return new PgSqlClient(extra);
    },
    async drop() {
      await Promise.all(extraPools.map((extra) => extra.end()));
      await pool.end();
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
