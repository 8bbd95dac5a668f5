import pg from 'pg';
import { databaseNameOf, databaseUrl, pgConnectionString } from './pg-url.js';

/** PostgreSQL error codes this package reacts to. */
const INVALID_CATALOG_NAME = '3D000';
const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

/** Runs `fn` with a connected client and always closes it. */
export async function withClient<T>(
  connectionUrl: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: pgConnectionString(connectionUrl) });
  client.on('error', () => undefined); // a terminated idle connection must not crash the process
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Connects to the database `connectionUrl` names, creating it first when it does not exist. */
export async function connectCreatingDatabase(connectionUrl: string): Promise<pg.Client> {
  try {
    return await connect(connectionUrl);
  } catch (error) {
    if (pgErrorCode(error) !== INVALID_CATALOG_NAME) throw error;
  }
  await createDatabaseIfMissing(connectionUrl);
  return connect(connectionUrl);
}

/** Creates the database `connectionUrl` names (through the server's `postgres` database) unless it
 * exists. Returns whether it created it. Safe when several processes race to create it. */
export async function createDatabaseIfMissing(connectionUrl: string): Promise<boolean> {
  const name = databaseNameOf(connectionUrl);
  return withClient(databaseUrl(connectionUrl, 'postgres'), async (admin) => {
    if (await databaseExists(admin, name)) return false;
    try {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
      return true;
    } catch (error) {
      const code = pgErrorCode(error);
      if (code === DUPLICATE_DATABASE || code === UNIQUE_VIOLATION) return false;
      throw error;
    }
  });
}

/** `CREATE DATABASE name TEMPLATE template` on the server `adminUrl` points at. */
export async function createDatabaseFromTemplate(
  adminUrl: string,
  template: string,
  name: string,
): Promise<void> {
  assertDatabaseName(name);
  await withClient(adminUrl, async (admin) => {
    await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
  });
}

/** Drops a database if it exists: un-marks it as a template, ends its connections, drops it. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, async (admin) => {
    const found = await admin.query<{ datistemplate: boolean }>(
      'SELECT datistemplate FROM pg_database WHERE datname = $1',
      [name],
    );
    const row = found.rows[0];
    if (row === undefined) return;
    try {
      const id = quoteIdent(name);
      if (row.datistemplate) await admin.query(`ALTER DATABASE ${id} IS_TEMPLATE false`);
      await admin.query(`ALTER DATABASE ${id} ALLOW_CONNECTIONS false`);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
      await admin.query(`DROP DATABASE IF EXISTS ${id}`);
    } catch (error) {
      if (pgErrorCode(error) !== INVALID_CATALOG_NAME) throw error; // dropped meanwhile: done
    }
  });
}

export async function databaseExists(admin: pg.ClientBase, name: string): Promise<boolean> {
  const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return found.rowCount === 1;
}

/** A double-quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** PostgreSQL silently truncates longer names, which would make them impossible to drop by name. */
export function assertDatabaseName(name: string): void {
  if (name === '' || Buffer.byteLength(name) > 63) {
    throw new Error(`Database name must be 1–63 bytes: "${name}"`);
  }
}

/** The SQLSTATE of a PostgreSQL error, if `error` is one. */
export function pgErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    return typeof error.code === 'string' ? error.code : undefined;
  }
  return undefined;
}

async function connect(connectionUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: pgConnectionString(connectionUrl) });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}
