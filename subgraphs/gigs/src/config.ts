import { z } from 'zod';
import { envVar, parseEnv, subgraphConfig } from '@jobber/service-kit';

/** The search settings, read by the subgraph and by the reindex command alike. */
const searchEnv = {
  /** An Elasticsearch 8 or 9 node; unset: search runs on PostgreSQL. */
  ELASTICSEARCH_URL: envVar.url(['http', 'https']).optional(),
  /** The alias searches and writes go through (the reindex swaps the index behind it). */
  ELASTICSEARCH_INDEX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,99}$/, 'must be a lower-case index name')
    .default('gigs'),
};

function searchSettings(env: {
  ELASTICSEARCH_URL?: string | undefined;
  ELASTICSEARCH_INDEX: string;
}) {
  return {
    elasticsearch: env.ELASTICSEARCH_URL
      ? { url: env.ELASTICSEARCH_URL, alias: env.ELASTICSEARCH_INDEX }
      : null,
  };
}
export type SearchSettings = ReturnType<typeof searchSettings>;

/**
 * The gigs subgraph's environment. The search implementation is chosen from it in one place
 * (search/index-from-config.ts): Elasticsearch when ELASTICSEARCH_URL is set, otherwise
 * PostgreSQL on the subgraph's own database.
 */
export const parseGigsConfig = subgraphConfig({
  port: 4003,
  env: searchEnv,
  settings: searchSettings,
});
export type GigsConfig = ReturnType<typeof parseGigsConfig>;

export const loadGigsConfig = (): GigsConfig => parseGigsConfig(process.env);

/** `npm run search:reindex` needs only the database (and the search settings), no keys or broker. */
const reindexEnv = z.object({
  DATABASE_URL: envVar.url(['postgres', 'postgresql']),
  LOG_LEVEL: envVar.logLevel(),
  ...searchEnv,
});
export type ReindexConfig = ReturnType<typeof parseReindexConfig>;
export function parseReindexConfig(source: Readonly<Record<string, string | undefined>>) {
  const env = parseEnv(reindexEnv, source);
  return {
    database: { url: env.DATABASE_URL, poolSize: 2 },
    logLevel: env.LOG_LEVEL,
    ...searchSettings(env),
  };
}
export const loadReindexConfig = (): ReindexConfig => parseReindexConfig(process.env);
