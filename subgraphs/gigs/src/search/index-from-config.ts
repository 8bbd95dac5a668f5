import type { TransactionalSqlClient } from '@jobber/events';
import type { GigsConfig } from '../config.js';
import { PostgresSearchIndex } from './postgres-index.js';
import type { SearchIndex } from './search-index.js';

/**
 * The one place that picks the search implementation from the validated configuration.
 * Elasticsearch: when config.ts gains ELASTICSEARCH_URL, return the Elasticsearch index here
 * when it is set. Otherwise PostgreSQL, on the subgraph's own database.
 */
export function searchIndexFromConfig(
  _config: GigsConfig,
  deps: { db: TransactionalSqlClient },
): SearchIndex {
  return new PostgresSearchIndex(deps.db);
}
