import { z } from 'zod';
import { envVar, subgraphConfig } from '@jobber/service-kit';

/**
 * The gigs subgraph's environment. The search implementation is chosen from it in one place
 * (search/index-from-config.ts): Elasticsearch when ELASTICSEARCH_URL is set, otherwise
 * PostgreSQL on the subgraph's own database.
 */
export const parseGigsConfig = subgraphConfig({
  port: 4003,
  env: {
    /** An Elasticsearch 8 or 9 node; unset: search runs on PostgreSQL. */
    ELASTICSEARCH_URL: envVar.url(['http', 'https']).optional(),
    /** The alias searches and writes go through (the reindex swaps the index behind it). */
    ELASTICSEARCH_INDEX: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,99}$/, 'must be a lower-case index name')
      .default('gigs'),
  },
  settings: (env) => ({
    elasticsearch: env.ELASTICSEARCH_URL
      ? { url: env.ELASTICSEARCH_URL, alias: env.ELASTICSEARCH_INDEX }
      : null,
  }),
});
export type GigsConfig = ReturnType<typeof parseGigsConfig>;

export const loadGigsConfig = (): GigsConfig => parseGigsConfig(process.env);
