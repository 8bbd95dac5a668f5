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

/** Prisma's defaults for interactive transactions. */
const defaultMaxWaitMs = 2000;
const defaultTimeoutMs = 5000;

/** What Prisma raises when a transaction cannot start in time or outlives its timeout (P2028). */
export class TransactionApiError extends Error {
  readonly code = 'P2028';
}

/**
 * The test stand-in for a Prisma client: `$transaction` runs BEGIN/COMMIT/ROLLBACK on one
 * pooled connection, with Prisma's limits — waiting longer than `maxWait` (default 2 s) for a
 * connection fails before the callback runs, and a transaction that outlived `timeout`
 * (default 5 s) is rolled back instead of committed.
 */
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
    const client = await this.connectWithin(options?.maxWait ?? defaultMaxWaitMs);
    const timeoutMs = options?.timeout ?? defaultTimeoutMs;
    const started = performance.now();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await fn(new PgQueries(client));
      const elapsed = performance.now() - started;
      if (elapsed > timeoutMs) {
        throw new TransactionApiError(
          `Transaction API error: the timeout for this transaction was ${timeoutMs} ms, however ${Math.round(elapsed)} ms passed`,
        );
      }
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

  private async connectWithin(maxWaitMs: number): Promise<pg.PoolClient> {
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const connecting = this.pool.connect();
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(
          new TransactionApiError(
            `Transaction API error: Unable to start a transaction in the given time (${maxWaitMs} ms)`,
          ),
        );
      }, maxWaitMs);
    });
    // A connection that arrives after the deadline goes straight back to the pool.
    connecting.then(
      (client) => {
        if (timedOut) client.release();
      },
      () => undefined,
    );
    try {
      return await Promise.race([connecting, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
