import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MigrationFailedError,
  MigrationHistoryError,
  applyMigrations,
  databaseUrl,
  dropDatabase,
} from '../src/index.js';
import { readLocalMigrations, sha256Hex } from '../src/migration-files.js';
import { withOfflinePrisma6 } from '../src/prisma6-offline.js';
import { ADMIN_URL, copyFixture, must, query, uniqueName, type FixtureCopy } from './support.js';

interface HistoryRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

const created: string[] = [];
let fixture: FixtureCopy;
let migrationNames: string[];

/** A fresh database name (dropped in afterAll) and its URL. */
function newDatabase(): string {
  const name = uniqueName('jobber_dbtest_apply');
  created.push(name);
  return databaseUrl(ADMIN_URL, name);
}

function history(url: string): Promise<HistoryRow[]> {
  return query<HistoryRow>(
    url,
    'SELECT * FROM _prisma_migrations ORDER BY started_at, migration_name',
  );
}

beforeAll(async () => {
  fixture = await copyFixture();
  migrationNames = (await readLocalMigrations(fixture.migrationsDir)).map((m) => m.name);
  expect(migrationNames.length).toBeGreaterThanOrEqual(2);
});

afterAll(async () => {
  for (const name of created) await dropDatabase(ADMIN_URL, name);
  await fixture.remove();
});

describe('applyMigrations', () => {
  it('creates the database, applies every migration and records them as Prisma does', async () => {
    const url = newDatabase();
    const logged: string[] = [];
    const result = await applyMigrations({
      databaseUrl: url,
      migrationsDir: fixture.migrationsDir,
      logger: { info: (msg) => logged.push(msg) },
    });
    expect(result.applied).toEqual(migrationNames);
    expect(logged.filter((line) => line.startsWith('applied '))).toHaveLength(
      migrationNames.length,
    );

    const columns = await query(
      url,
      `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      col('id', 'character varying', 36, 'NO', null),
      col('checksum', 'character varying', 64, 'NO', null),
      col('finished_at', 'timestamp with time zone', null, 'YES', null),
      col('migration_name', 'character varying', 255, 'NO', null),
      col('logs', 'text', null, 'YES', null),
      col('rolled_back_at', 'timestamp with time zone', null, 'YES', null),
      col('started_at', 'timestamp with time zone', null, 'NO', 'now()'),
      col('applied_steps_count', 'integer', null, 'NO', '0'),
    ]);

    const rows = await history(url);
    expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
    for (const row of rows) {
      const file = await readFile(join(fixture.migrationsDir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(sha256Hex(file));
      expect(row.id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(must(row.finished_at).getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    // The migrations really ran: the second one's column exists.
    const itemColumns = await query<{ column_name: string }>(
      url,
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'Item'`,
    );
    expect(itemColumns.map((c) => c.column_name)).toContain('description');
  });

  it('writes the same history as the Prisma CLI, and each accepts the other', async () => {
    const ours = newDatabase();
    await applyMigrations({ databaseUrl: ours, migrationsDir: fixture.migrationsDir });
    const theirs = newDatabase();
    await query(ADMIN_URL, `CREATE DATABASE "${must(created.at(-1))}"`);

    await withOfflinePrisma6(
      {
        schemaPath: fixture.schemaPath,
        databaseUrl: theirs,
        migrationsDir: fixture.migrationsDir,
        env: {},
      },
      async (prisma) => {
        const deploy = await prisma.run(['migrate', 'deploy']);
        expect(deploy.exitCode, deploy.stderr).toBe(0);
      },
    );
    await withOfflinePrisma6(
      {
        schemaPath: fixture.schemaPath,
        databaseUrl: ours,
        migrationsDir: fixture.migrationsDir,
        env: {},
      },
      async (prisma) => {
        const status = await prisma.run(['migrate', 'status']);
        expect(status.exitCode, status.stderr).toBe(0);
        expect(status.stdout).toContain('Database schema is up to date');
      },
    );
    expect(
      await applyMigrations({ databaseUrl: theirs, migrationsDir: fixture.migrationsDir }),
    ).toEqual({
      applied: [],
    });

    const shape = (row: HistoryRow) => ({
      idLength: row.id.length,
      checksum: row.checksum,
      finished: row.finished_at instanceof Date,
      migration_name: row.migration_name,
      logs: row.logs,
      rolled_back_at: row.rolled_back_at,
      started: row.started_at instanceof Date,
      applied_steps_count: row.applied_steps_count,
    });
    expect((await history(ours)).map(shape)).toEqual((await history(theirs)).map(shape));
  });

  it('does nothing the second time', async () => {
    const url = newDatabase();
    await applyMigrations({ databaseUrl: url, migrationsDir: fixture.migrationsDir });
    const before = await history(url);
    expect(
      await applyMigrations({ databaseUrl: url, migrationsDir: fixture.migrationsDir }),
    ).toEqual({
      applied: [],
    });
    expect(await history(url)).toEqual(before);
  });

  it('applies only once when several processes deploy at the same time', async () => {
    const url = newDatabase();
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        applyMigrations({ databaseUrl: url, migrationsDir: fixture.migrationsDir }),
      ),
    );
    expect(results.flatMap((r) => r.applied).sort()).toEqual(migrationNames);
    expect((await history(url)).map((row) => row.migration_name)).toEqual(migrationNames);
  });

  it('refuses when an applied migration.sql was changed', async () => {
    const copy = await copyFixture();
    try {
      const url = newDatabase();
      await applyMigrations({ databaseUrl: url, migrationsDir: copy.migrationsDir });
      const first = must(migrationNames[0]);
      const file = join(copy.migrationsDir, first, 'migration.sql');
      await writeFile(file, `${await readFile(file, 'utf8')}\nSELECT 1;\n`);
      await mkdir(join(copy.migrationsDir, '29990101000000_later'));
      await writeFile(
        join(copy.migrationsDir, '29990101000000_later', 'migration.sql'),
        'CREATE TABLE later (id int);',
      );

      const attempt = applyMigrations({ databaseUrl: url, migrationsDir: copy.migrationsDir });
      await expect(attempt).rejects.toBeInstanceOf(MigrationHistoryError);
      await expect(attempt).rejects.toThrow(new RegExp(`${first}: migration.sql was changed`));
      expect(await history(url)).toHaveLength(migrationNames.length); // the later one was not applied
    } finally {
      await copy.remove();
    }
  });

  it('refuses when a failed migration is recorded', async () => {
    const url = newDatabase();
    await applyMigrations({ databaseUrl: url, migrationsDir: fixture.migrationsDir });
    await query(
      url,
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`,
      ['00000000-0000-4000-8000-000000000000', '0'.repeat(64), '20000101000000_broken'],
    );
    await expect(
      applyMigrations({ databaseUrl: url, migrationsDir: fixture.migrationsDir }),
    ).rejects.toThrow(/20000101000000_broken: recorded as failed/);
  });

  it('rolls a failing migration back, records the attempt, and retries it once fixed', async () => {
    const copy = await copyFixture();
    try {
      const url = newDatabase();
      const name = '29990101000000_bad';
      const file = join(copy.migrationsDir, name, 'migration.sql');
      await mkdir(join(copy.migrationsDir, name));
      await writeFile(file, 'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n');

      const attempt = applyMigrations({ databaseUrl: url, migrationsDir: copy.migrationsDir });
      await expect(attempt).rejects.toBeInstanceOf(MigrationFailedError);
      await expect(attempt).rejects.toThrow(/no_such_table/);
      // The earlier migrations stay applied; the failed one left nothing behind but its record.
      const tables = await query<{ t: string | null }>(
        url,
        `SELECT to_regclass('half_done')::text AS t`,
      );
      expect(tables[0]?.t).toBeNull();
      const failed = (await history(url)).filter((row) => row.migration_name === name);
      expect(failed).toHaveLength(1);
      expect(failed[0]?.rolled_back_at).toBeInstanceOf(Date);
      expect(failed[0]?.finished_at).toBeNull();
      expect(failed[0]?.logs).toContain('no_such_table');

      await writeFile(file, 'CREATE TABLE half_done (id int);\n');
      expect(
        await applyMigrations({ databaseUrl: url, migrationsDir: copy.migrationsDir }),
      ).toEqual({
        applied: [name],
      });
      const fixed = (await history(url)).filter((row) => row.migration_name === name);
      expect(fixed.filter((row) => row.finished_at !== null)).toHaveLength(1);
    } finally {
      await copy.remove();
    }
  });

  it('honours a ?schema= parameter', async () => {
    const url = `${newDatabase()}?schema=shop`;
    await applyMigrations({ databaseUrl: url, migrationsDir: fixture.migrationsDir });
    const tables = await query<{ table_schema: string; table_name: string }>(
      url.replace(/\?.*$/, ''),
      `SELECT table_schema, table_name FROM information_schema.tables
        WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY table_name`,
    );
    expect(tables).toEqual([
      { table_schema: 'shop', table_name: 'Item' },
      { table_schema: 'shop', table_name: 'Tag' },
      { table_schema: 'shop', table_name: '_prisma_migrations' },
    ]);
  });
});

function col(
  column_name: string,
  data_type: string,
  character_maximum_length: number | null,
  is_nullable: string,
  column_default: string | null,
) {
  return { column_name, data_type, character_maximum_length, is_nullable, column_default };
}
