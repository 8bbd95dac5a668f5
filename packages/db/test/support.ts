import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { repoRoot } from '../src/paths.js';

/** The PostgreSQL every test talks to: the test kit's TEST_POSTGRES_URL (an embedded one when
 * none is reachable; the local one with trust auth by default). */
export const ADMIN_URL =
  // eslint-disable-next-line no-restricted-properties -- the test kit's variable (it depends on this package)
  process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export const FIXTURE_PRISMA_ROOT = join(
  dirname(fileURLToPath(import.meta.url)),
  'fixtures',
  'prisma',
);

/** A database name no other test file or run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export interface FixtureCopy {
  /** A temporary root holding `prisma/shop` (and a node_modules link for prisma.config.ts). */
  root: string;
  prismaRoot: string;
  schemaPath: string;
  migrationsDir: string;
  remove(): Promise<void>;
}

/** A private copy of the fixture, free to modify. */
export async function copyFixture(): Promise<FixtureCopy> {
  const root = await mkdtemp(join(tmpdir(), 'jobber-db-test-'));
  const prismaRoot = join(root, 'prisma');
  await cp(FIXTURE_PRISMA_ROOT, prismaRoot, { recursive: true });
  await symlink(join(repoRoot(), 'node_modules'), join(root, 'node_modules'));
  return {
    root,
    prismaRoot,
    schemaPath: join(prismaRoot, 'shop', 'schema.prisma'),
    migrationsDir: join(prismaRoot, 'shop', 'migrations'),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

/** Runs one query on a fresh connection. */
export async function query<R extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Names of the existing databases that start with `prefix`. */
export async function databasesStartingWith(prefix: string): Promise<string[]> {
  const rows = await query<{ datname: string }>(
    ADMIN_URL,
    'SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname',
    [prefix],
  );
  return rows.map((row) => row.datname);
}

/**
 * Whether Prisma 6.19's schema engine (migrate create / check: a diff through a shadow database)
 * can read the test server. It cannot read PostgreSQL 18 (a wasm `unreachable` panic), which is
 * what a fresh machine's embedded PostgreSQL is; those tests then skip, saying why.
 */
export async function schemaEngineReadsTestServer(): Promise<boolean> {
  const [row] = await query<{ version: string }>(
    ADMIN_URL,
    "SELECT current_setting('server_version_num') AS version",
  );
  const readable = Number(row?.version) < 180000;
  if (!readable) {
    console.log(
      "Skipping the migrate create/check tests: Prisma 6.19's schema engine cannot read PostgreSQL 18 (TEST_POSTGRES_URL); run them against PostgreSQL 17 or older.",
    );
  }
  return readable;
}

/** What every CLI run of the tests is given: shadow databases on the test server, not on the
 * default 127.0.0.1:5432 (a fresh machine's `npm test` has none there). */
export const CLI_ENV = { JOBBER_SHADOW_DATABASE_URL: ADMIN_URL };

/** The environment of a CLI the tests spawn. */
// eslint-disable-next-line no-restricted-properties -- PATH and the like, plus the test server
export const CHILD_ENV = { ...process.env, ...CLI_ENV };

/** Collects a CLI run's output lines. */
export function captureIo(own: Record<string, string> = {}): {
  io: { out(line: string): void; err(line: string): void; env: Record<string, string> };
  out: string[];
  err: string[];
} {
  const out: string[] = [];
  const err: string[] = [];
  const env = { ...CLI_ENV, ...own };
  return { io: { out: (line) => out.push(line), err: (line) => err.push(line), env }, out, err };
}

/** `value`, which the test expects to be there. */
export function must<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`Expected a ${what}`);
  return value;
}

/** Polls `check` until it returns true, failing after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
