import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { applyMigrations } from './apply-migrations.js';
import { databaseUrlVariable, type DbConfig } from './config.js';
import { MIGRATION_LOCK_CONTENT, MIGRATION_LOCK_FILE } from './migration-files.js';
import { migrationStatus } from './migration-status.js';
import { redactUrl } from './pg-url.js';
import { generateClient } from './prisma7-generate.js';
import { diffMigrationsToSchema } from './schema-diff.js';

/** What every command needs, passed in (the CLI builds it from argv and the environment). */
export interface CommandContext {
  repoRoot: string;
  /** The folder holding one `<subgraph>/` folder per subgraph (default `<repo>/prisma`). */
  prismaRoot: string;
  config: DbConfig;
  out(line: string): void;
  err(line: string): void;
}

/** Exit codes. */
export const OK = 0;
export const FAILED = 1;
export const DRIFT = 2;

/** `generate [subgraph...]`: the Prisma 7 client of each subgraph. */
export async function generateCommand(ctx: CommandContext, names: string[]): Promise<number> {
  let code = OK;
  for (const subgraph of await selectSubgraphs(ctx, names, 'schema.prisma')) {
    const started = performance.now();
    const result = await generateClient({
      dir: join(ctx.prismaRoot, subgraph),
      repoRoot: ctx.repoRoot,
      // prisma.config.ts may read the URL with env(), which throws when it is unset.
      env: {
        ...ctx.config.childEnv,
        [databaseUrlVariable(subgraph)]: ctx.config.databaseUrl(subgraph),
      },
    });
    if (result.exitCode === 0) {
      ctx.out(`${subgraph}: generated the Prisma client (${elapsed(started)})`);
    } else {
      ctx.err(`${subgraph}: prisma generate failed:\n${result.stderr}${result.stdout}`.trim());
      code = FAILED;
    }
  }
  return code;
}

/** `migrate deploy [subgraph...]`: applies pending migrations (creating databases). */
export async function deployCommand(ctx: CommandContext, names: string[]): Promise<number> {
  let code = OK;
  for (const subgraph of await selectSubgraphs(ctx, names, 'migrations')) {
    const started = performance.now();
    const databaseUrl = ctx.config.databaseUrl(subgraph);
    try {
      const { applied } = await applyMigrations({
        databaseUrl,
        migrationsDir: join(ctx.prismaRoot, subgraph, 'migrations'),
        logger: { info: (msg) => ctx.out(`${subgraph}: ${msg}`) },
      });
      ctx.out(
        applied.length === 0
          ? `${subgraph}: up to date (${redactUrl(databaseUrl)}, ${elapsed(started)})`
          : `${subgraph}: applied ${applied.length} migration(s) to ${redactUrl(databaseUrl)} (${elapsed(started)})`,
      );
    } catch (error) {
      ctx.err(`${subgraph}: ${message(error)}`);
      code = FAILED;
    }
  }
  return code;
}

/** `migrate create <subgraph> <name>`: a new migration folder with the SQL that brings the
 * migrations up to schema.prisma; nothing when they already match. */
export async function createCommand(
  ctx: CommandContext,
  subgraph: string,
  rawName: string,
): Promise<number> {
  const [dir] = await selectSubgraphs(ctx, [subgraph], 'schema.prisma');
  if (dir === undefined) return FAILED;
  const name = rawName
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (name === '') {
    ctx.err(`Not a usable migration name: "${rawName}"`);
    return FAILED;
  }
  const migrationsDir = join(ctx.prismaRoot, subgraph, 'migrations');
  await mkdir(migrationsDir, { recursive: true });
  const lockFile = join(migrationsDir, MIGRATION_LOCK_FILE);
  if (!existsSync(lockFile)) await writeFile(lockFile, MIGRATION_LOCK_CONTENT);

  const started = performance.now();
  const diff = await diffSubgraph(ctx, subgraph, migrationsDir);
  if (diff.inSync) {
    ctx.out(`${subgraph}: no changes (${elapsed(started)})`);
    return OK;
  }
  const folder = join(migrationsDir, `${utcTimestamp(new Date())}_${name}`);
  if (existsSync(folder)) {
    ctx.err(`${shown(folder)} already exists: wait a second and try again`);
    return FAILED;
  }
  await mkdir(folder);
  await writeFile(join(folder, 'migration.sql'), diff.sql);
  ctx.out(`${subgraph}: created ${join(shown(folder), 'migration.sql')} (${elapsed(started)})`);
  return OK;
}

/** `migrate check [subgraph...]`: the CI drift check. DRIFT when a schema.prisma and its
 * migrations differ. */
export async function checkCommand(ctx: CommandContext, names: string[]): Promise<number> {
  const subgraphs = await selectSubgraphs(ctx, names, 'schema.prisma');
  const codes = await mapLimited(subgraphs, availableParallelism(), async (subgraph) => {
    const started = performance.now();
    const migrationsDir = join(ctx.prismaRoot, subgraph, 'migrations');
    if (!existsSync(join(migrationsDir, MIGRATION_LOCK_FILE))) {
      ctx.err(
        `${subgraph}: DRIFT: no migrations (${shown(migrationsDir)}/${MIGRATION_LOCK_FILE} is missing). Run: jobber-db migrate create ${subgraph} init`,
      );
      return DRIFT;
    }
    try {
      const diff = await diffSubgraph(ctx, subgraph, migrationsDir);
      if (diff.inSync) {
        ctx.out(`${subgraph}: schema.prisma and migrations are in sync (${elapsed(started)})`);
        return OK;
      }
      ctx.err(
        `${subgraph}: DRIFT: prisma/${subgraph}/schema.prisma differs from its migrations. Run: jobber-db migrate create ${subgraph} <name>\nMissing SQL:\n${diff.sql.trim()}`,
      );
      return DRIFT;
    } catch (error) {
      ctx.err(`${subgraph}: ${message(error)}`);
      return FAILED;
    }
  });
  if (codes.includes(FAILED)) return FAILED;
  return codes.includes(DRIFT) ? DRIFT : OK;
}

/** `migrate status [subgraph...]`: applied and pending migrations per database. Non-zero when
 * any database is not up to date (as `prisma migrate status`). */
export async function statusCommand(ctx: CommandContext, names: string[]): Promise<number> {
  let code = OK;
  for (const subgraph of await selectSubgraphs(ctx, names, 'migrations')) {
    const databaseUrl = ctx.config.databaseUrl(subgraph);
    try {
      const status = await migrationStatus({
        databaseUrl,
        migrationsDir: join(ctx.prismaRoot, subgraph, 'migrations'),
      });
      const missing = status.databaseExists ? '' : ' (database does not exist yet)';
      ctx.out(`${subgraph}: ${redactUrl(databaseUrl)}${missing}`);
      for (const migration of status.history.migrations) {
        ctx.out(`  ${migration.state.padEnd(8)} ${migration.name}`);
        if (migration.state !== 'applied') code = FAILED;
      }
      for (const record of status.history.unknown) {
        ctx.out(
          `  ${(record.failed ? 'failed' : 'applied').padEnd(8)} ${record.name} (not in the migrations folder)`,
        );
        if (record.failed) code = FAILED;
      }
      if (status.history.migrations.length === 0) ctx.out('  (no migrations)');
    } catch (error) {
      ctx.err(`${subgraph}: ${message(error)}`);
      code = FAILED;
    }
  }
  return code;
}

/** The named subgraphs (each must be a folder), or every folder holding `marker`. */
/** What the migrations lack to reach the subgraph's schema.prisma. */
function diffSubgraph(ctx: CommandContext, subgraph: string, migrationsDir: string) {
  return diffMigrationsToSchema({
    migrationsDir,
    schemaPath: join(ctx.prismaRoot, subgraph, 'schema.prisma'),
    shadowAdminUrl: ctx.config.shadowAdminUrl(subgraph),
    env: ctx.config.childEnv,
  });
}

async function selectSubgraphs(
  ctx: CommandContext,
  names: string[],
  marker: string,
): Promise<string[]> {
  for (const name of names) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name))
      throw new Error(`Not a subgraph name: "${name}"`);
    if (!existsSync(join(ctx.prismaRoot, name, marker))) {
      throw new Error(`${join(shown(ctx.prismaRoot), name, marker)} does not exist`);
    }
  }
  if (names.length > 0) return names;
  const entries = existsSync(ctx.prismaRoot)
    ? await readdir(ctx.prismaRoot, { withFileTypes: true })
    : [];
  return entries
    .filter((entry) => entry.isDirectory() && existsSync(join(ctx.prismaRoot, entry.name, marker)))
    .map((entry) => entry.name)
    .sort();
}

/** `yyyymmddHHMMSS` in UTC, Prisma's migration folder prefix. */
export function utcTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** A path relative to the working directory when it is inside it, else absolute. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

function elapsed(started: number): string {
  return `${Math.round(performance.now() - started)} ms`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
