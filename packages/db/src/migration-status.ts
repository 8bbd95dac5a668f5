import { pgErrorCode, withClient, quoteIdent } from './databases.js';
import { readLocalMigrations } from './migration-files.js';
import {
  compareHistory,
  readMigrationRecords,
  type MigrationHistory,
} from './migration-history.js';
import { schemaOf } from './pg-url.js';

export interface MigrationStatus {
  /** False when the database does not exist yet (then every migration is pending). */
  databaseExists: boolean;
  history: MigrationHistory;
}

/** Which migrations of `migrationsDir` the database has applied (read-only; creates nothing). */
export async function migrationStatus(options: {
  databaseUrl: string;
  migrationsDir: string;
}): Promise<MigrationStatus> {
  const local = await readLocalMigrations(options.migrationsDir);
  try {
    return await withClient(options.databaseUrl, async (client) => {
      const schema = schemaOf(options.databaseUrl);
      if (schema !== undefined) await client.query(`SET search_path TO ${quoteIdent(schema)}`);
      return {
        databaseExists: true,
        history: compareHistory(local, await readMigrationRecords(client)),
      };
    });
  } catch (error) {
    if (pgErrorCode(error) !== '3D000') throw error;
    return { databaseExists: false, history: compareHistory(local, []) };
  }
}
