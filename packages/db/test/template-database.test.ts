import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyMigrations,
  createDatabaseFromTemplate,
  databaseUrl,
  dropDatabase,
  templateDatabase,
} from '../src/index.js';
import { readLocalMigrations } from '../src/migration-files.js';
import {
  ADMIN_URL,
  copyFixture,
  databasesStartingWith,
  must,
  query,
  uniqueName,
  type FixtureCopy,
} from './support.js';

// Each run gets its own migrations state (one extra migration with a random comment), hence its
// own template name, so runs and files never share a template.
let fixture: FixtureCopy;
const subgraph = 'dbtest';
const created = new Set<string>();

beforeAll(async () => {
  fixture = await copyFixture();
  const folder = join(fixture.migrationsDir, '29990101000000_marker');
  await mkdir(folder);
  await writeFile(
    join(folder, 'migration.sql'),
    `-- run ${randomBytes(8).toString('hex')}\nCREATE TABLE "Marker" (id int);\n`,
  );
});

afterAll(async () => {
  for (const name of created) await dropDatabase(ADMIN_URL, name);
  await fixture.remove();
});

async function template(): Promise<string> {
  const name = await templateDatabase(subgraph, ADMIN_URL, fixture.migrationsDir);
  created.add(name);
  return name;
}

describe('templateDatabase', () => {
  it('builds one migrated template even when many processes ask at once', async () => {
    const names = await Promise.all(Array.from({ length: 4 }, () => template()));
    expect(new Set(names).size).toBe(1);
    const name = must(names[0]);
    expect(name).toMatch(/^jobber_tpl_dbtest_[0-9a-f]{12}$/);
    expect(await databasesStartingWith(name)).toEqual([name]);
    const [row] = await query<{ datistemplate: boolean; datallowconn: boolean }>(
      ADMIN_URL,
      'SELECT datistemplate, datallowconn FROM pg_database WHERE datname = $1',
      [name],
    );
    expect(row).toEqual({ datistemplate: true, datallowconn: false });
  });

  it('reuses a finished template and rebuilds an unfinished one', async () => {
    const name = await template();
    const oid = async () =>
      (
        await query<{ oid: number }>(ADMIN_URL, 'SELECT oid FROM pg_database WHERE datname = $1', [
          name,
        ])
      )[0]?.oid;
    const before = await oid();
    expect(await template()).toBe(name);
    expect(await oid()).toBe(before);

    // A build that crashed half way: the database exists but was never marked as a template.
    await dropDatabase(ADMIN_URL, name);
    await query(ADMIN_URL, `CREATE DATABASE "${name}"`);
    expect(await template()).toBe(name);
    expect(await oid()).not.toBe(before);
    const clone = uniqueName('jobber_dbtest_clone');
    created.add(clone);
    await createDatabaseFromTemplate(ADMIN_URL, name, clone);
    const marker = await query<{ t: string | null }>(
      databaseUrl(ADMIN_URL, clone),
      `SELECT to_regclass('"Marker"')::text AS t`,
    );
    expect(marker[0]?.t).toBe('"Marker"');
  });

  it('changes name when the migrations change', async () => {
    const name = await template();
    const copy = await copyFixture();
    try {
      const other = await templateDatabase(subgraph, ADMIN_URL, copy.migrationsDir);
      created.add(other);
      expect(other).not.toBe(name);
    } finally {
      await copy.remove();
    }
  });
});

describe('createDatabaseFromTemplate', () => {
  it('clones a migrated database with its migration history, ready for more migrations', async () => {
    const name = await template();
    const timings: number[] = [];
    for (let i = 0; i < 3; i++) {
      const clone = uniqueName('jobber_dbtest_clone');
      created.add(clone);
      const started = performance.now();
      await createDatabaseFromTemplate(ADMIN_URL, name, clone);
      timings.push(performance.now() - started);

      const url = databaseUrl(ADMIN_URL, clone);
      const rows = await query<{ migration_name: string }>(
        url,
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name',
      );
      const local = await readLocalMigrations(fixture.migrationsDir);
      expect(rows.map((r) => r.migration_name)).toEqual(local.map((m) => m.name));
      expect(
        await applyMigrations({ databaseUrl: url, migrationsDir: fixture.migrationsDir }),
      ).toEqual({
        applied: [],
      });
      await query(
        url,
        `INSERT INTO "Item" (id, sku, "priceCents") VALUES (gen_random_uuid(), 'a', 1)`,
      );
    }
    // Timings are printed, not asserted: a clone costs a checkpoint, which a busy server slows
    // (0.05–1 s seen here); no baseline in this test makes a fair bound for it.
    console.info(`template clone: ${timings.map((t) => `${Math.round(t)} ms`).join(', ')}`);
  });
});

describe('dropDatabase', () => {
  it('drops a database that still has open connections, and ignores a missing one', async () => {
    const name = uniqueName('jobber_dbtest_drop');
    created.add(name);
    await query(ADMIN_URL, `CREATE DATABASE "${name}"`);
    const holder = new pg.Client({ connectionString: databaseUrl(ADMIN_URL, name) });
    holder.on('error', () => undefined);
    await holder.connect();
    try {
      await dropDatabase(ADMIN_URL, name);
      expect(await databasesStartingWith(name)).toEqual([]);
      await dropDatabase(ADMIN_URL, name);
    } finally {
      await holder.end().catch(() => undefined);
    }
  });
});
