import type pg from 'pg';
import { checksumMatches, type LocalMigration } from './migration-files.js';

/** Prisma's own lock key (schema-engine, PostgreSQL): the Prisma CLI and this applier exclude each
 * other. Advisory locks are per database. */
export const PRISMA_MIGRATE_LOCK_KEY = 72707369;

/** Byte for byte the DDL Prisma's schema engine runs for its history table. */
export const MIGRATIONS_TABLE_DDL = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);
`;

/** One row of `_prisma_migrations`. */
export interface MigrationRecord {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

export type MigrationState =
  /** recorded as finished, same checksum */
  | 'applied'
  /** not recorded (or only recorded as rolled back) */
  | 'pending'
  /** recorded as started but never finished, and not marked rolled back: needs a human */
  | 'failed'
  /** recorded as finished, but migration.sql has changed since */
  | 'modified';

export interface MigrationHistory {
  migrations: { name: string; state: MigrationState; finishedAt: Date | null }[];
  /** Recorded in the database but absent from the migrations folder (`failed`: never finished). */
  unknown: { name: string; failed: boolean }[];
}

/** Whether the history table exists (in the current search_path). */
export async function hasMigrationsTable(client: pg.ClientBase): Promise<boolean> {
  const found = await client.query<{ exists: boolean }>(
    "SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists",
  );
  return found.rows[0]?.exists === true;
}

/** The rows of `_prisma_migrations`, oldest first; empty when the table does not exist. */
export async function readMigrationRecords(client: pg.ClientBase): Promise<MigrationRecord[]> {
  if (!(await hasMigrationsTable(client))) return [];
  const result = await client.query<MigrationRecord>(
    'SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count FROM _prisma_migrations ORDER BY started_at ASC',
  );
  return result.rows;
}

/** Compares the migrations folder with the recorded history, as `prisma migrate status` does. */
export function compareHistory(
  local: readonly LocalMigration[],
  records: readonly MigrationRecord[],
): MigrationHistory {
  const live = records.filter((record) => record.rolled_back_at === null);
  const migrations = local.map((migration) => {
    const rows = live.filter((record) => record.migration_name === migration.name);
    const finished = rows.find((record) => record.finished_at !== null);
    if (finished !== undefined) {
      const state: MigrationState = checksumMatches(migration, finished.checksum)
        ? 'applied'
        : 'modified';
      return { name: migration.name, state, finishedAt: finished.finished_at };
    }
    const state: MigrationState = rows.length > 0 ? 'failed' : 'pending';
    return { name: migration.name, state, finishedAt: null };
  });
  const localNames = new Set(local.map((migration) => migration.name));
  const unknownNames = [
    ...new Set(live.map((record) => record.migration_name).filter((name) => !localNames.has(name))),
  ];
  const unknown = unknownNames.map((name) => ({
    name,
    failed: !live.some((record) => record.migration_name === name && record.finished_at !== null),
  }));
  return { migrations, unknown };
}

/** Why migrations must not be applied on top of this history (empty when they may). */
export function historyProblems(history: MigrationHistory): string[] {
  const problems: string[] = [];
  for (const migration of history.migrations) {
    if (migration.state === 'modified') {
      problems.push(
        `${migration.name}: migration.sql was changed after it was applied (checksum differs). Restore the file and put the change in a new migration.`,
      );
    }
    if (migration.state === 'failed') problems.push(failedMessage(migration.name));
  }
  for (const record of history.unknown) {
    if (record.failed) problems.push(failedMessage(record.name));
  }
  return problems;
}

function failedMessage(name: string): string {
  return `${name}: recorded as failed (started, never finished). Repair the database by hand, then mark it with UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '${name}' AND finished_at IS NULL (to retry it) or run \`prisma migrate resolve\`.`;
}
