import { PrismaPg } from '@prisma/adapter-pg';

export interface DatabaseSettings {
  url: string;
  poolSize: number;
  /**
   * How long a query or transaction waits for a pool connection before failing (then answered as
   * a retryable UNAVAILABLE); default 2 s. Without it a plain query would wait forever.
   */
  poolTimeoutMs?: number;
}

export const DEFAULT_POOL_TIMEOUT_MS = 2_000;

interface QueryEvents {
  $on(event: 'query', listener: (event: { query: string }) => void): void;
}

type ClientOptions = {
  adapter: PrismaPg;
  transactionOptions: { maxWait: number };
  log?: [{ emit: 'event'; level: 'query' }];
};

/**
 * A subgraph's generated Prisma client on the pg driver adapter (no engine binary), with
 * `onQuery` seeing every SQL statement when given (tests count them). Pass the generated
 * class: `createPrismaClient(PrismaClient, config.database, onQuery)`.
 */
export function createPrismaClient<C>(
  Client: new (options: ClientOptions) => C,
  settings: DatabaseSettings,
  onQuery?: (sql: string) => void,
): C {
  const poolTimeoutMs = settings.poolTimeoutMs ?? DEFAULT_POOL_TIMEOUT_MS;
  const adapter = new PrismaPg({
    connectionString: settings.url,
    max: settings.poolSize,
    connectionTimeoutMillis: poolTimeoutMs,
  });
  const transactionOptions = { maxWait: poolTimeoutMs };
  if (!onQuery) return new Client({ adapter, transactionOptions });
  const client = new Client({
    adapter,
    transactionOptions,
    log: [{ emit: 'event', level: 'query' }],
  });
  (client as C & QueryEvents).$on('query', (event) => onQuery(event.query));
  return client;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids: anything else (a client's typo in a representation) matches no row. */
export function isUuid(value: string): boolean {
  return uuid.test(value);
}

/** Prisma's unique-constraint violation (P2002): two writers raced for the same unique value. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2002';
}
