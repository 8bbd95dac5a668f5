import { z } from 'zod';
import { envVar, parseEnv, subgraphConfig } from '@jobber/service-kit';

/**
 * The gigs subgraph's environment. The search implementation is chosen from it in one place
 * (search/index-from-config.ts): ELASTICSEARCH_URL goes here (zod url) when the Elasticsearch
 * adapter lands; without it, search runs on PostgreSQL.
 */
export const parseGigsConfig = subgraphConfig({ port: 4003 });
export type GigsConfig = ReturnType<typeof parseGigsConfig>;

export const loadGigsConfig = (): GigsConfig => parseGigsConfig(process.env);

/** `npm run search:reindex` needs only the database (and the search settings), no keys or broker. */
const reindexEnv = z.object({
  DATABASE_URL: envVar.url(['postgres', 'postgresql']),
  LOG_LEVEL: envVar.logLevel(),
});
export type ReindexConfig = ReturnType<typeof parseReindexConfig>;
export function parseReindexConfig(source: Readonly<Record<string, string | undefined>>) {
  const env = parseEnv(reindexEnv, source);
  return { database: { url: env.DATABASE_URL, poolSize: 2 }, logLevel: env.LOG_LEVEL };
}
export const loadReindexConfig = (): ReindexConfig => parseReindexConfig(process.env);
