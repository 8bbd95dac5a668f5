import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { applyMigrations, databaseUrl, dropDatabase } from '../src/index.js';
import { redactUrl } from '../src/pg-url.js';
import { SHADOW_PREFIX } from '../src/prisma6-offline.js';
import {
  ADMIN_URL,
  CHILD_ENV,
  captureIo,
  copyFixture,
  databasesStartingWith,
  must,
  query,
  schemaEngineReadsTestServer,
  uniqueName,
  waitFor,
  type FixtureCopy,
} from './support.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'jobber-db.mjs');
const created: string[] = [];
let fixture: FixtureCopy;

beforeEach(async () => {
  fixture = await copyFixture();
});

afterEach(async () => {
  await fixture.remove();
});

afterAll(async () => {
  for (const name of created) await dropDatabase(ADMIN_URL, name);
  // Every shadow database this process's commands made was dropped again.
  expect(await databasesStartingWith(`${SHADOW_PREFIX}${process.pid}_`)).toEqual([]);
});

/** Adds an optional column to the fixture's Tag model. */
async function addColorColumn(): Promise<void> {
  const schema = await readFile(fixture.schemaPath, 'utf8');
  const changed = schema.replace(/^(\s*label\s+String)$/m, '$1\n  color  String?');
  expect(changed).not.toBe(schema);
  await writeFile(fixture.schemaPath, changed);
}

async function migrationFolders(): Promise<string[]> {
  return (await readdir(fixture.migrationsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Runs the real bin (tsx + CLI) as a separate process. */
function runBin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: CHILD_ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Each test spawns the Prisma 6 CLI at most once, and the bin (tsx, ~0.5 s more) only where the
// exit code through it matters: a CLI run costs ~1.4 s of CPU, mostly loading the CLI, and tests
// with two runs timed out at 30 s when `npm test` ran every workspace at once on two cores.
// What a second run would show is checked in-process (the applier) or by another test.
const engineReadsServer = await schemaEngineReadsTestServer();

describe.skipIf(!engineReadsServer)('jobber-db migrate create', () => {
  it('writes the SQL for an added column, a migration that applies and adds it', async () => {
    await rm(join(fixture.migrationsDir, 'migration_lock.toml'));
    await addColorColumn();
    const before = await migrationFolders();

    const run = captureIo();
    const code = await main(
      ['migrate', 'create', 'shop', 'Tag color', '--prisma-dir', fixture.prismaRoot],
      run.io,
    );
    expect(code, run.err.join('\n')).toBe(0);
    const added = (await migrationFolders()).filter((name) => !before.includes(name));
    expect(added).toHaveLength(1);
    const folder = must(added[0]);
    expect(folder).toMatch(/^\d{14}_tag_color$/);
    const sql = await readFile(join(fixture.migrationsDir, folder, 'migration.sql'), 'utf8');
    expect(sql.trim()).toBe('-- AlterTable\nALTER TABLE "Tag" ADD COLUMN     "color" TEXT;');
    expect(await readFile(join(fixture.migrationsDir, 'migration_lock.toml'), 'utf8')).toContain(
      'provider = "postgresql"',
    );

    // The new folder is a migration like the others: applied after them, it adds the column.
    const name = uniqueName('jobber_dbtest_create');
    created.push(name);
    const url = databaseUrl(ADMIN_URL, name);
    const { applied } = await applyMigrations({
      databaseUrl: url,
      migrationsDir: fixture.migrationsDir,
    });
    expect(applied).toEqual([...before, folder].sort());
    const columns = await query<{ is_nullable: string; data_type: string }>(
      url,
      "SELECT is_nullable, data_type FROM information_schema.columns WHERE table_name = 'Tag' AND column_name = 'color'",
    );
    expect(columns).toEqual([{ is_nullable: 'YES', data_type: 'text' }]);
  });

  it('reports no changes and writes nothing when the migrations match the schema', async () => {
    const before = await migrationFolders();
    const run = captureIo();
    expect(
      await main(
        ['migrate', 'create', 'shop', 'again', '--prisma-dir', fixture.prismaRoot],
        run.io,
      ),
      run.err.join('\n'),
    ).toBe(0);
    expect(run.out.join('\n')).toMatch(/^shop: no changes/);
    expect(await migrationFolders()).toEqual(before);
  });
});

describe.skipIf(!engineReadsServer)('jobber-db migrate check', () => {
  it('exits 0 when in sync', async () => {
    const inSync = captureIo();
    expect(
      await main(['migrate', 'check', '--prisma-dir', fixture.prismaRoot], inSync.io),
      inSync.err.join('\n'),
    ).toBe(0);
    expect(inSync.out.join('\n')).toContain('shop: schema.prisma and migrations are in sync');
  });

  it('exits 2 from the bin on drift, naming the subgraph and the missing SQL', async () => {
    await addColorColumn();
    const drift = await runBin(['migrate', 'check', 'shop', '--prisma-dir', fixture.prismaRoot]);
    expect(drift.code, drift.stderr).toBe(2);
    expect(drift.stderr).toContain('shop: DRIFT');
    expect(drift.stderr).toContain('ADD COLUMN     "color" TEXT');
  });
});

describe.skipIf(!engineReadsServer)('shadow databases', () => {
  it('are cleaned up by the next run when a command was killed half way', async () => {
    // Its own process group, so the kill takes the Prisma CLI it spawned too.
    const child = spawn(
      process.execPath,
      [BIN, 'migrate', 'check', '--prisma-dir', fixture.prismaRoot],
      { env: CHILD_ENV, stdio: 'ignore', detached: true },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const pid = must(child.pid);
    const prefix = `${SHADOW_PREFIX}${pid}_`;
    try {
      await waitFor(
        async () => (await databasesStartingWith(prefix)).length === 1,
        'a shadow database',
      );
    } finally {
      process.kill(-pid, 'SIGKILL');
      await exited;
    }
    expect(await databasesStartingWith(prefix)).toHaveLength(1);

    const next = captureIo();
    expect(await main(['migrate', 'check', '--prisma-dir', fixture.prismaRoot], next.io)).toBe(0);
    expect(await databasesStartingWith(prefix)).toEqual([]);
    const leftovers = (await readdir(tmpdir())).filter((entry) =>
      entry.startsWith(`jobber-db-prisma6-${pid}-`),
    );
    expect(leftovers).toEqual([]);
  });
});

describe('jobber-db migrate deploy / status', () => {
  it('lists pending migrations, applies them, then lists them as applied', async () => {
    const name = uniqueName('jobber_dbtest_cli');
    created.push(name);
    const env = { SHOP_DATABASE_URL: databaseUrl(ADMIN_URL, name) };
    const args = ['--prisma-dir', fixture.prismaRoot];
    const folders = await migrationFolders();

    const pending = captureIo(env);
    expect(await main(['migrate', 'status', 'shop', ...args], pending.io)).toBe(1);
    expect(pending.out).toEqual([
      `shop: ${redactUrl(env.SHOP_DATABASE_URL)} (database does not exist yet)`,
      ...folders.map((f) => `  pending  ${f}`),
    ]);

    const deploy = captureIo(env);
    expect(await main(['migrate', 'deploy', ...args], deploy.io), deploy.err.join('\n')).toBe(0);
    expect(deploy.out.at(-1)).toMatch(/^shop: applied 2 migration\(s\)/);

    const again = captureIo(env);
    expect(await main(['migrate', 'deploy', 'shop', ...args], again.io)).toBe(0);
    expect(again.out).toHaveLength(1);
    expect(again.out[0]).toMatch(/^shop: up to date/);

    const applied = captureIo(env);
    expect(await main(['migrate', 'status', ...args], applied.io)).toBe(0);
    expect(applied.out.slice(1)).toEqual(folders.map((f) => `  applied  ${f}`));
  });

  it('names the variable when a database URL is invalid, and rejects unknown commands', async () => {
    const bad = captureIo({ SHOP_DATABASE_URL: 'mysql://nope' });
    expect(await main(['migrate', 'deploy', '--prisma-dir', fixture.prismaRoot], bad.io)).toBe(1);
    expect(bad.err.join('\n')).toContain('SHOP_DATABASE_URL');

    const unknown = captureIo();
    expect(await main(['migrate', 'explode'], unknown.io)).toBe(1);
    expect(unknown.err.join('\n')).toContain('Usage: jobber-db');
  });
});

describe('jobber-db generate', () => {
  it('generates the Prisma 7 client where the schema says', async () => {
    const run = captureIo();
    expect(
      await main(['generate', 'shop', '--prisma-dir', fixture.prismaRoot], run.io),
      run.err.join('\n'),
    ).toBe(0);
    const client = join(
      fixture.root,
      'subgraphs',
      'shop',
      'src',
      'generated',
      'prisma',
      'client.ts',
    );
    expect(existsSync(client)).toBe(true);
    expect(await readFile(client, 'utf8')).toContain('PrismaClient');
  });
});
