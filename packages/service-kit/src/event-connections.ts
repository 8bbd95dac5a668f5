import type { SqlClient, TransactionalSqlClient } from '@jobber/events';

type TransactionOptions = Parameters<TransactionalSqlClient['$transaction']>[1];

/**
 * Connections the event machinery (outbox relay and every consumer of a subgraph) may hold at
 * once: at most 3, and always one fewer than the pool, so HTTP requests keep at least one
 * (a pool of 1 has nothing to spare and shares its connection).
 */
export function eventConnectionBudget(poolSize: number): number {
  return Math.max(1, Math.min(3, poolSize - 1));
}

/** Each consumer's own `concurrency`: two transactions, unless the budget is smaller. */
export function consumerConcurrency(poolSize: number): number {
  return Math.min(2, eventConnectionBudget(poolSize));
}

/** Raised when no slot freed up within a transaction's maxWait (the transaction never started). */
export class NoEventConnectionError extends Error {
  override readonly name = 'NoEventConnectionError';
}

/**
 * A counting semaphore shared by the relay and consumers of one subgraph: each statement or
 * transaction takes a slot for as long as it holds a pooled connection. Waiters are served in
 * order; one that waits longer than its limit fails without having started.
 */
export class EventConnections {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {}

  /** Runs `work` holding a slot; rejects with NoEventConnectionError after `maxWaitMs` without one. */
  async run<T>(work: () => Promise<T>, maxWaitMs?: number): Promise<T> {
    await this.acquire(maxWaitMs);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /**
   * `db` with every statement and transaction through this gate. A transaction's `maxWait`
   * covers waiting for the slot and then for the pool connection.
   */
  wrap<Tx extends SqlClient>(db: TransactionalSqlClient<Tx>): TransactionalSqlClient<Tx> {
    return {
      $queryRawUnsafe: <T>(query: string, ...values: unknown[]) =>
        this.run(() => db.$queryRawUnsafe<T>(query, ...values)),
      $executeRawUnsafe: (query: string, ...values: unknown[]) =>
        this.run(() => db.$executeRawUnsafe(query, ...values)),
      $transaction: async <R>(work: (tx: Tx) => Promise<R>, options?: TransactionOptions) => {
        const started = Date.now();
        const maxWait = options?.maxWait;
        await this.acquire(maxWait);
        try {
          // What is left of maxWait is the pool's to use.
          const rest =
            maxWait === undefined ? undefined : Math.max(1, maxWait - (Date.now() - started));
          return await db.$transaction(
            work,
            rest === undefined ? options : { ...options, maxWait: rest },
          );
        } finally {
          this.release();
        }
      },
    };
  }

  private acquire(maxWaitMs?: number): Promise<void> {
    if (this.active < this.size) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const grant = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
      this.waiting.push(grant);
      if (maxWaitMs !== undefined) {
        timer = setTimeout(() => {
          const at = this.waiting.indexOf(grant);
          if (at >= 0) this.waiting.splice(at, 1);
          reject(
            new NoEventConnectionError(
              `all ${this.size} event connections stayed busy for ${maxWaitMs} ms`,
            ),
          );
        }, maxWaitMs);
        timer.unref();
      }
    });
  }

  /** Hands the slot straight to the next waiter, or frees it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}
