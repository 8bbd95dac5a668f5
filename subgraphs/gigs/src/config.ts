import { subgraphConfig } from '@jobber/service-kit';

/**
 * The gigs subgraph's environment. The search implementation is chosen from it in one place
 * (search/index-from-config.ts): ELASTICSEARCH_URL goes here (zod url) when the Elasticsearch
 * adapter lands; without it, search runs on PostgreSQL.
 */
export const parseGigsConfig = subgraphConfig({ port: 4003 });
export type GigsConfig = ReturnType<typeof parseGigsConfig>;

export const loadGigsConfig = (): GigsConfig => parseGigsConfig(process.env);
