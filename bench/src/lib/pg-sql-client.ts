import type pg from 'pg';
import type { SqlClient, TransactionalSqlClient } from '@jobber/events';

/** The events package's SqlClient over a pg pool or one connection (positional `$1` parameters). */
export function pgSqlClient(client: pg.Pool | pg.PoolClient): SqlClient {
  return {
    async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
      return (await client.query(query, values)).rows as T;
    },
    async $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
      return (await client.query(query, values)).rowCount ?? 0;
    },
  };
}

/** Runs `fn` in one transaction on a pooled connection: COMMIT when it resolves, else ROLLBACK. */
export async function inTransaction<T>(
  pool: pg.Pool,
  fn: (tx: SqlClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(pgSqlClient(client));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** A TransactionalSqlClient on a pg pool (BEGIN/COMMIT on one of its connections). */
export function pgTransactions(pool: pg.Pool): TransactionalSqlClient<SqlClient> {
  return { ...pgSqlClient(pool), $transaction: (fn) => inTransaction(pool, fn) };
}
