/**
 * The little of a Prisma client this package uses, so it works with every subgraph's generated
 * client: a PrismaClient and an interactive-transaction client both satisfy SqlClient, and
 * `prisma` satisfies TransactionalSqlClient<typeof tx>. Queries use positional `$1..$n`
 * parameters with explicit casts.
 */
export interface SqlClient {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

export interface TransactionalSqlClient<Tx extends SqlClient = SqlClient> extends SqlClient {
  $transaction<R>(
    fn: (tx: Tx) => Promise<R>,
    options?: { isolationLevel?: string; timeout?: number; maxWait?: number },
  ): Promise<R>;
}
