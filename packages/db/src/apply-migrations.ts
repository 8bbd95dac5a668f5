import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { connectCreatingDatabase, quoteIdent } from './databases.js';
import { readLocalMigrations, type LocalMigration } from './migration-files.js';
import {
  MIGRATIONS_TABLE_DDL,
  PRISMA_MIGRATE_LOCK_KEY,
  compareHistory,
  hasMigrationsTable,
  historyProblems,
  readMigrationRecords,
} from './migration-history.js';
import { redactUrl, schemaOf } from './pg-url.js';

export interface MigrationLogger {
  info(msg: string): void;
}

export interface ApplyMigrationsOptions {
  /** postgresql:// URL of the target database (created when missing); `?schema=` is honoured. */
  databaseUrl: string;
  /** A Prisma migrations folder: `<timestamp>_<name>/migration.sql`. */
  migrationsDir: string;
  logger?: MigrationLogger;
}

/** Thrown when the recorded history forbids applying (changed or failed migrations). */
export class MigrationHistoryError extends Error {
  constructor(
    readonly database: string,
    readonly problems: readonly string[],
  ) {
    super(`Refusing to migrate ${database}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'MigrationHistoryError';
  }
}

/** Thrown when a migration's SQL fails; the migration was rolled back and recorded as such. */
export class MigrationFailedError extends Error {
  constructor(
    readonly migration: string,
    cause: unknown,
    message: string,
  ) {
    super(message, { cause });
    this.name = 'MigrationFailedError';
  }
}

/**
 * `prisma migrate deploy` without the Prisma CLI: applies the pending migrations of
 * `migrationsDir`, each in its own transaction, recording them in `_prisma_migrations` exactly as
 * Prisma does. Holds Prisma's advisory lock meanwhile, so concurrent appliers (and the Prisma CLI)
 * take turns. Refuses when an applied migration.sql changed or a failed migration is recorded.
 */
export async function applyMigrations(options: ApplyMigrationsOptions): Promise<{
  applied: string[];
}> {
  const local = await readLocalMigrations(options.migrationsDir);
  const client = await connectCreatingDatabase(options.databaseUrl);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
    try {
      await useSchema(client, schemaOf(options.databaseUrl));
      if (!(await hasMigrationsTable(client))) await client.query(MIGRATIONS_TABLE_DDL);
      const history = compareHistory(local, await readMigrationRecords(client));
      const problems = historyProblems(history);
      if (problems.length > 0) {
        throw new MigrationHistoryError(redactUrl(options.databaseUrl), problems);
      }
      for (const record of history.unknown) {
        options.logger?.info(
          `warning: ${record.name} is recorded but not in the migrations folder`,
        );
      }
      const pendingNames = new Set(
        history.migrations.filter((m) => m.state === 'pending').map((m) => m.name),
      );
      const applied: string[] = [];
      for (const migration of local.filter((m) => pendingNames.has(m.name))) {
        const started = performance.now();
        await applyOne(client, migration);
        applied.push(migration.name);
        options.logger?.info(
          `applied ${migration.name} (${Math.round(performance.now() - started)} ms)`,
        );
      }
      return { applied };
    } finally {
      // (a failed unlock is harmless: ending the session releases the lock)
      await client
        .query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY])
        .catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}

/** Prisma's sequence (insert started row, run the script, count the step, set finished_at), in one
 * transaction. On failure the row is kept with the error in `logs` and `rolled_back_at` set,
 * which is true (the transaction rolled back) and lets the next deploy retry the fixed file. */
async function applyOne(client: pg.ClientBase, migration: LocalMigration): Promise<void> {
  const id = randomUUID();
  try {
    await client.query('BEGIN');
    await client.query(
      'INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES ($1, $2, clock_timestamp(), $3)',
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(
      'UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1, finished_at = clock_timestamp() WHERE id = $1',
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const logs = errorText(error);
    // A migration.sql with its own COMMIT leaves part of itself (and our row) committed: then it
    // really is half-applied, and stays recorded as failed for a human to look at.
    const committed = await client.query('SELECT 1 FROM _prisma_migrations WHERE id = $1', [id]);
    if (committed.rowCount === 1) {
      await client.query('UPDATE _prisma_migrations SET logs = $2 WHERE id = $1', [id, logs]);
      throw new MigrationFailedError(
        migration.name,
        error,
        `Migration ${migration.name} failed after committing part of itself; it is recorded as failed:\n${logs}`,
      );
    }
    await client.query(
      'INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name, logs, rolled_back_at) VALUES ($1, $2, clock_timestamp(), $3, $4, clock_timestamp())',
      [id, migration.checksum, migration.name, logs],
    );
    throw new MigrationFailedError(
      migration.name,
      error,
      `Migration ${migration.name} failed and was rolled back:\n${logs}`,
    );
  }
}

async function useSchema(client: pg.ClientBase, schema: string | undefined): Promise<void> {
  if (schema === undefined || schema === 'public') return;
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  await client.query(`SET search_path TO ${quoteIdent(schema)}`);
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details = error as Error & { code?: unknown; position?: unknown };
  const code = typeof details.code === 'string' ? ` (SQLSTATE ${details.code})` : '';
  return `${error.message}${code}`;
}
