export {
  applyMigrations,
  MigrationFailedError,
  MigrationHistoryError,
  type ApplyMigrationsOptions,
  type MigrationLogger,
} from './apply-migrations.js';
export { createDatabaseFromTemplate, createDatabaseIfMissing, dropDatabase } from './databases.js';
export { migrationStatus, type MigrationStatus } from './migration-status.js';
export type { MigrationHistory, MigrationState } from './migration-history.js';
export { prismaDir, repoRoot } from './paths.js';
export { databaseUrl } from './pg-url.js';
export { templateDatabase } from './template-database.js';
export {
  startEmbeddedPostgres,
  stopEmbeddedPostgresIn,
  type EmbeddedPostgresOptions,
  type RunningEmbeddedPostgres,
} from './embedded-postgres.js';
