import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withOfflinePrisma6 } from './prisma6-offline.js';

export interface SchemaDiffOptions {
  migrationsDir: string;
  /** The subgraph's schema.prisma. */
  schemaPath: string;
  /** A database on the server where the temporary shadow database may be created (`postgres`). */
  shadowAdminUrl: string;
  env: Readonly<Record<string, string | undefined>>;
}

export interface SchemaDiff {
  /** True when the migrations produce exactly the schema. */
  inSync: boolean;
  /** The SQL that brings the migrations up to the schema ('' when in sync). */
  sql: string;
}

/** `prisma migrate diff --from-migrations <dir> --to-schema-datamodel <schema> --script
 * --exit-code`, offline: replays the migrations in a shadow database and compares. */
export async function diffMigrationsToSchema(options: SchemaDiffOptions): Promise<SchemaDiff> {
  return withOfflinePrisma6(
    {
      schemaPath: options.schemaPath,
      databaseUrl: options.shadowAdminUrl,
      shadow: true,
      env: options.env,
    },
    async (prisma) => {
      const output = join(prisma.dir, 'diff.sql');
      const result = await prisma.run([
        'migrate',
        'diff',
        '--from-migrations',
        options.migrationsDir,
        '--to-schema-datamodel',
        prisma.schemaPath,
        '--script',
        '--exit-code',
        '--output',
        output,
      ]);
      if (result.exitCode === 0) return { inSync: true, sql: '' };
      if (result.exitCode === 2) return { inSync: false, sql: await readFile(output, 'utf8') };
      throw new Error(
        `prisma migrate diff failed (exit ${result.exitCode}):\n${result.stderr}${result.stdout}`.trim(),
      );
    },
  );
}
