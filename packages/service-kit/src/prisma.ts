import { PrismaPg } from '@prisma/adapter-pg';

export interface DatabaseSettings {
  url: string;
  poolSize: number;
}

interface QueryEvents {
  $on(event: 'query', listener: (event: { query: string }) => void): void;
}

type ClientOptions = { adapter: PrismaPg; log?: [{ emit: 'event'; level: 'query' }] };

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
  const adapter = new PrismaPg({ connectionString: settings.url, max: settings.poolSize });
  if (!onQuery) return new Client({ adapter });
  const client = new Client({ adapter, log: [{ emit: 'event', level: 'query' }] });
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
