import pg from 'pg';
import type { SqlClient, TransactionalSqlClient } from '../src/index.js';

type Queryable = pg.Pool | pg.PoolClient;

const isolationLevels: Record<string, string> = {
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

/** SqlClient over a pool or one pooled connection: positional $1 parameters, like Prisma's raw API. */
export class PgQueries implements SqlClient {
  constructor(protected readonly target: Queryable) {}

  async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    const result = await this.target.query(query, values);
    return result.rows as T;
  }

  async $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
    const result = await this.target.query(query, values);
    return result.rowCount ?? 0;
  }
}

/** The test stand-in for a Prisma client: `$transaction` runs BEGIN/COMMIT/ROLLBACK on one pooled connection. */
export class PgSqlClient extends PgQueries implements TransactionalSqlClient<PgQueries> {
  constructor(readonly pool: pg.Pool) {
    super(pool);
  }

  async $transaction<R>(
    fn: (tx: PgQueries) => Promise<R>,
    options?: { isolationLevel?: string; timeout?: number; maxWait?: number },
  ): Promise<R> {
    const level = options?.isolationLevel;
    const begin = level ? `BEGIN ISOLATION LEVEL ${isolationLevels[level] ?? 'unknown'}` : 'BEGIN';
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await fn(new PgQueries(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw err;
    } finally {
      client.release(broken);
    }
  }
}
