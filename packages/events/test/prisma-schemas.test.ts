import { readdir, readFile } from 'node:fs/promises';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { eventTableNames, eventTablesSql } from '../src/index.js';
import { postgresAdminUrl, randomSuffix } from './services.js';

/**
 * Each subgraph's Prisma schema declares the event tables itself (Prisma cannot import them).
 * Its migrations must create exactly what `eventTablesSql` describes: same columns, types,
 * defaults and indexes. (`npm run db:check` keeps schema.prisma and the migrations in step.)
 */
const prismaRoot = new URL('../../../prisma/', import.meta.url);
const subgraphs = ['auth', 'users', 'gigs', 'chat', 'reviews', 'notifications'];

interface Catalog {
  columns: string[];
  indexes: string[];
}

async function withDatabase<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const name = `events_schema_${randomSuffix()}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function catalog(client: pg.Client): Promise<Record<string, Catalog>> {
  const result: Record<string, Catalog> = {};
  for (const table of eventTableNames) {
    const columns = await client.query<{ line: string }>(
      `SELECT concat_ws(' ', column_name, data_type, coalesce(datetime_precision::text, ''),
                        is_nullable, coalesce(column_default, '')) AS line
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1
       ORDER BY column_name`,
      [table],
    );
    const indexes = await client.query<{ line: string }>(
      `SELECT indexdef AS line FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1
       ORDER BY indexname`,
      [table],
    );
    result[table] = {
      columns: columns.rows.map((row) => row.line),
      indexes: indexes.rows.map((row) => row.line),
    };
  }
  return result;
}

async function migrationsOf(subgraph: string): Promise<string[]> {
  const dir = new URL(`${subgraph}/migrations/`, prismaRoot);
  const folders = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    folders.map((folder) => readFile(new URL(`${folder}/migration.sql`, dir), 'utf8')),
  );
}

describe("the event tables in each subgraph's Prisma migrations", () => {
  let expected: Record<string, Catalog>;

  it.each(subgraphs)('%s creates exactly what tables.ts describes', async (subgraph) => {
    expected ??= await withDatabase(async (client) => {
      await client.query(eventTablesSql);
      return catalog(client);
    });
    const actual = await withDatabase(async (client) => {
      for (const sql of await migrationsOf(subgraph)) await client.query(sql);
      return catalog(client);
    });
    expect(actual).toEqual(expected);
    expect(Object.values(expected).every((table) => table.columns.length > 0)).toBe(true);
  });
});
