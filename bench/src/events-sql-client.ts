import pg from 'pg';
import type { SqlClient, TransactionalSqlClient } from '@jobber/events';

/** The events package's SqlClient over a pg pool or one of its connections. */
class PgQueries implements SqlClient {
  constructor(protected readonly target: pg.Pool | pg.PoolClient) {}
  async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    return (await this.target.query(query, values)).rows as T;
  }
  async $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
    return (await this.target.query(query, values)).rowCount ?? 0;
  }
}

/** A TransactionalSqlClient on a pg pool (BEGIN/COMMIT on one connection), for the event bench. */
export class PgTransactions extends PgQueries implements TransactionalSqlClient<SqlClient> {
  constructor(readonly pool: pg.Pool) {
    super(pool);
  }
  async $transaction<R>(fn: (tx: SqlClient) => Promise<R>): Promise<R> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(new PgQueries(client));
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
}
