import type { TransactionalSqlClient } from '@jobber/events';
import type { SearchSettings } from '../config.js';
import { ElasticsearchIndex } from './elasticsearch-index.js';
import { PostgresSearchIndex } from './postgres-index.js';
import type { SearchIndex } from './search-index.js';

/**
 * The one place that picks the search implementation from the validated configuration (the
 * subgraph's or the reindex command's): Elasticsearch when ELASTICSEARCH_URL is set
 * (docs/2026-12-02-elasticsearch.md), otherwise PostgreSQL on the subgraph's own database.
 */
export function searchIndexFromConfig(
  config: SearchSettings,
  deps: { db: TransactionalSqlClient },
): SearchIndex {
  if (config.elasticsearch) return new ElasticsearchIndex(config.elasticsearch);
  return new PostgresSearchIndex(deps.db);
}
