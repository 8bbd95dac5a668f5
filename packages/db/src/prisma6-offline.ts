import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase, quoteIdent, withClient } from './databases.js';
import { connectionFields, pgConnectionString } from './pg-url.js';
import { toPrisma6Schema } from './prisma-schema-copy.js';

/**
 * The Prisma 6.19 CLI (npm alias `prisma-migrate-cli`), made to run offline with its JavaScript
 * schema engine (see DESIGN.md §7). Everything it needs is written to a temporary folder:
 * the schema rewritten for Prisma 6, a config using @prisma/adapter-pg 7, and a preload.
 */
export interface OfflinePrisma {
  /** The temporary folder (removed afterwards). */
  dir: string;
  /** The Prisma 6 copy of the schema: pass it where a command wants the schema. */
  schemaPath: string;
  run(args: readonly string[]): Promise<CliResult>;
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface OfflinePrismaOptions {
  /** The subgraph's (Prisma 7) schema.prisma. */
  schemaPath: string;
  /** The database the CLI connects to. */
  databaseUrl: string;
  /** Give the CLI a shadow database on `databaseUrl`'s server, under a name this process picks
   * and always drops afterwards (so a crashed or killed CLI leaves nothing behind). */
  shadow?: boolean;
  /** The migrations folder, for commands that read it from the config (status, deploy). */
  migrationsDir?: string;
  /** Environment for the CLI process. */
  env: Readonly<Record<string, string | undefined>>;
  /** Kill the CLI after this long (default 120 s): never hang a build. */
  timeoutMs?: number;
}

const require = createRequire(import.meta.url);
const PRISMA6_CLI = require.resolve('prisma-migrate-cli/build/index.js');
const PRISMA6_CONFIG = require.resolve('prisma-migrate-cli/config');
const ADAPTER_PG = require.resolve('@prisma/adapter-pg');
const PG = createRequire(ADAPTER_PG).resolve('pg');

/** Runs `fn` with an offline Prisma 6 CLI set up for one schema, then removes its files. */
export async function withOfflinePrisma6<T>(
  options: OfflinePrismaOptions,
  fn: (prisma: OfflinePrisma) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `${TMP_PREFIX}${process.pid}-`));
  const shadow = options.shadow === true ? shadowDatabaseName() : undefined;
  // Created here while the CLI boots (it waits for the "ready" file), dropped here afterwards:
  // no CREATE DATABASE is ever in flight when this process cleans up.
  const shadowCreated =
    shadow === undefined
      ? Promise.resolve()
      : createShadowDatabase(options.databaseUrl, shadow, dir);
  shadowCreated.catch(() => undefined); // handled below; never an unhandled rejection meanwhile
  try {
    const schemaPath = join(dir, 'schema.prisma');
    const configPath = join(dir, 'prisma.config.mjs');
    const preloadPath = join(dir, 'preload.cjs');
    await writeFile(schemaPath, toPrisma6Schema(await readFile(options.schemaPath, 'utf8')));
    await writeFile(preloadPath, PRELOAD);
    await writeFile(configPath, configSource(options, shadow, dir));
    const fields = connectionFields(options.databaseUrl);
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.env)) {
      if (value !== undefined) env[key] = value;
    }
    // With this set, Prisma 6 migrate commands exit 0 having done nothing (DESIGN.md §7).
    delete env.PRISMA_SCHEMA_ENGINE_BINARY;
    Object.assign(env, {
      CHECKPOINT_DISABLE: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      PRISMA_DISABLE_WARNINGS: '1',
      // Any existing file: stops a query-engine download attempt; never loaded with engine "js".
      PRISMA_QUERY_ENGINE_LIBRARY: preloadPath,
      DATABASE_URL: pgConnectionString(options.databaseUrl),
      ...(fields.password === undefined ? {} : { PGPASSWORD: fields.password }),
    });
    const run = (args: readonly string[]): Promise<CliResult> =>
      runNode(
        ['--require', preloadPath, PRISMA6_CLI, ...args, '--config', configPath],
        dir,
        env,
        options.timeoutMs ?? 120_000,
      );
    const result = await fn({ dir, schemaPath, run });
    await shadowCreated; // surface a failure to create it
    return result;
  } finally {
    await shadowCreated.catch(() => undefined);
    if (shadow !== undefined) await dropDatabase(options.databaseUrl, shadow);
    await rm(dir, { recursive: true, force: true });
  }
}

const SHADOW_READY = 'shadow.ready';
const SHADOW_FAILED = 'shadow.failed';

/** Creates the shadow database, then tells the CLI through a file in `dir`. Meanwhile (the CLI
 * takes longer to boot) cleans up after earlier runs of this host that were killed. */
async function createShadowDatabase(adminUrl: string, name: string, dir: string): Promise<void> {
  try {
    await withClient(adminUrl, (admin) => admin.query(`CREATE DATABASE ${quoteIdent(name)}`));
  } catch (error) {
    await writeFile(join(dir, SHADOW_FAILED), String(error)).catch(() => undefined);
    throw error;
  }
  await writeFile(join(dir, SHADOW_READY), name);
  await reapAbandoned(adminUrl).catch(() => undefined);
}

/** Tags names with this host, so only its own processes' leftovers are ever reaped. */
const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 6);
/** Every shadow database this host makes starts with this, then `<pid>_`. */
export const SHADOW_PREFIX = `jobber_shadow_${HOST_TAG}_`;
const TMP_PREFIX = 'jobber-db-prisma6-';
let shadowCount = 0;

/** `jobber_shadow_<host>_<pid>_<n>_<random>`: unique, and traceable to the process that owns it. */
export function shadowDatabaseName(): string {
  shadowCount += 1;
  return `${SHADOW_PREFIX}${process.pid}_${shadowCount}_${randomBytes(4).toString('hex')}`;
}

/** Drops the shadow databases and temporary folders of this host's processes that no longer run
 * (a command killed half way cannot clean up after itself). */
async function reapAbandoned(adminUrl: string): Promise<void> {
  const found = await withClient(adminUrl, (admin) =>
    admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [SHADOW_PREFIX],
    ),
  );
  for (const { datname } of found.rows) {
    if (!isRunning(Number(datname.slice(SHADOW_PREFIX.length).split('_')[0]))) {
      await dropDatabase(adminUrl, datname);
    }
  }
  for (const entry of await readdir(tmpdir())) {
    const pid = /^jobber-db-prisma6-(\d+)-/.exec(entry)?.[1];
    if (pid !== undefined && !isRunning(Number(pid))) {
      await rm(join(tmpdir(), entry), { recursive: true, force: true });
    }
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return true; // not ours to judge
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function configSource(
  options: OfflinePrismaOptions,
  shadow: string | undefined,
  dir: string,
): string {
  const { host, port, user, database } = connectionFields(options.databaseUrl);
  // Discrete fields, not a connectionString: a shadow database's pool is this pool with another
  // `database`, which a connectionString would override. A short idle timeout lets the process
  // exit as soon as the work is done.
  const pool = { host, port, user, database, idleTimeoutMillis: 100 };
  const migrations =
    options.migrationsDir === undefined
      ? ''
      : `\n  migrations: { path: ${JSON.stringify(options.migrationsDir)} },`;
  // Unlike the stock adapter, which creates and drops a shadow database itself, connect to the
  // one the calling process makes (waiting for its "ready" file) and drops.
  const shadowFactory =
    shadow === undefined
      ? ''
      : `
  async connectToShadowDb() {
    const { existsSync, readFileSync } = require('node:fs');
    const deadline = Date.now() + 60000;
    while (!existsSync(${JSON.stringify(join(dir, SHADOW_READY))})) {
      if (existsSync(${JSON.stringify(join(dir, SHADOW_FAILED))})) {
        throw new Error('Could not create the shadow database: ' + readFileSync(${JSON.stringify(join(dir, SHADOW_FAILED))}, 'utf8'));
      }
      if (Date.now() > deadline) throw new Error('Timed out waiting for the shadow database');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return new PrismaPg({ ...pool, database: ${JSON.stringify(shadow)} }).connect();
  }`;
  return `// Written by @jobber/db for the Prisma 6 CLI; removed after the command.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { defineConfig } = require(${JSON.stringify(PRISMA6_CONFIG)});
const { PrismaPg } = require(${JSON.stringify(ADAPTER_PG)});
const pool = ${JSON.stringify(pool)};
class Adapter extends PrismaPg {${shadowFactory}
}
export default defineConfig({
  engine: 'js',
  experimental: { adapter: true },
  schema: './schema.prisma',${migrations}
  adapter: async () => new Adapter(pool),
});
`;
}

const PRELOAD = `'use strict';
// Written by @jobber/db, loaded with \`node --require\` into the Prisma 6 CLI.
// 1. The schema engine reads catalog columns of type "char" (OID 18), which @prisma/adapter-pg
//    cannot map: report them as text (OID 25).
const pg = require(${JSON.stringify(PG)});
const addFields = pg.Result.prototype.addFields;
pg.Result.prototype.addFields = function (fields) {
  for (const field of fields) if (field.dataTypeID === 18) field.dataTypeID = 25;
  return addFields.call(this, fields);
};
// 2. The wasm schema engine arms long timers (10 s) that keep the process alive after its work
//    is done: unref the timers it creates.
const { promisify } = require('node:util');
const setTimeoutOriginal = globalThis.setTimeout;
function setTimeoutUnrefWasm(...args) {
  const timer = setTimeoutOriginal.apply(this, args);
  if (typeof timer?.unref === 'function' && String(new Error().stack).includes('wasm://')) {
    timer.unref();
  }
  return timer;
}
setTimeoutUnrefWasm[promisify.custom] = setTimeoutOriginal[promisify.custom];
globalThis.setTimeout = setTimeoutUnrefWasm;
`;

/** Runs `node <args>`, collecting its output. */
export function runNode(
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== null) {
        reject(new Error(`node ${args.join(' ')} was killed (${signal}):\n${stderr}${stdout}`));
        return;
      }
      resolve({ exitCode: code ?? 1, stdout, stderr });
    });
  });
}
