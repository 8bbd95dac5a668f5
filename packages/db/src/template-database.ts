import { join } from 'node:path';
import type pg from 'pg';
import { applyMigrations } from './apply-migrations.js';
import { assertDatabaseName, dropDatabase, quoteIdent, withClient } from './databases.js';
import { migrationsHash, readLocalMigrations } from './migration-files.js';
import { prismaDir } from './paths.js';
import { databaseUrl } from './pg-url.js';

/**
 * The name of a fully migrated template database for `subgraph`'s migrations:
 * `jobber_tpl_<subgraph>_<hash of every migration>`. Built once per migrations state on the
 * server `adminUrl` points at, under an advisory lock so parallel test processes build it once,
 * and reused while it exists. A finished template is marked `IS_TEMPLATE` and closed to
 * connections (so clones never wait for one); anything else by that name is a crashed build and
 * is rebuilt. Clone it with {@link createDatabaseFromTemplate}.
 *
 * @param migrationsDir defaults to `<repo>/prisma/<subgraph>/migrations`.
 */
export async function templateDatabase(
  subgraph: string,
  adminUrl: string,
  migrationsDir: string = join(prismaDir(subgraph), 'migrations'),
): Promise<string> {
  const hash = migrationsHash(await readLocalMigrations(migrationsDir));
  const name = `jobber_tpl_${subgraph.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${hash}`;
  assertDatabaseName(name);
  await withClient(adminUrl, async (admin) => {
    if ((await templateState(admin, name)) === 'finished') return;
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [`jobber-db template ${name}`]);
    try {
      const state = await templateState(admin, name);
      if (state === 'finished') return; // another process built it meanwhile
      if (state === 'unfinished') await dropDatabase(adminUrl, name); // a crashed build
      await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
      await applyMigrations({ databaseUrl: databaseUrl(adminUrl, name), migrationsDir });
      await admin.query(`ALTER DATABASE ${quoteIdent(name)} ALLOW_CONNECTIONS false`);
      await admin.query(`ALTER DATABASE ${quoteIdent(name)} IS_TEMPLATE true`);
    } finally {
      await admin
        .query('SELECT pg_advisory_unlock(hashtext($1))', [`jobber-db template ${name}`])
        .catch(() => undefined);
    }
  });
  return name;
}

async function templateState(
  admin: pg.ClientBase,
  name: string,
): Promise<'missing' | 'unfinished' | 'finished'> {
  const found = await admin.query<{ datistemplate: boolean }>(
    'SELECT datistemplate FROM pg_database WHERE datname = $1',
    [name],
  );
  const row = found.rows[0];
  if (row === undefined) return 'missing';
  return row.datistemplate ? 'finished' : 'unfinished';
}
