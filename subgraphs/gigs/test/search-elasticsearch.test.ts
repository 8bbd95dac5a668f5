import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import { testConfig } from '@jobber/test-kit';
import { ElasticsearchIndex } from '../src/search/elasticsearch-index.js';
import { searchSuite } from './search-suite.js';

// The shared search suite on a real Elasticsearch, when TEST_ELASTICSEARCH_URL names one: an
// alias of this run's own (its indices deleted afterwards), writes refreshed before they resolve.
// The DSL itself is checked without a cluster in elasticsearch-dsl.test.ts.

const url = testConfig.TEST_ELASTICSEARCH_URL;
if (!url)
  console.warn(
    'Elasticsearch search suite skipped: TEST_ELASTICSEARCH_URL is not set ' +
      '(e.g. docker compose up -d elasticsearch, then TEST_ELASTICSEARCH_URL=http://127.0.0.1:9200)',
  );

describe.skipIf(!url)('Elasticsearch', () => {
  searchSuite('elasticsearch', async () => {
    const alias = `jobber-test-gigs-${randomUUID().slice(0, 8)}`;
    const index = new ElasticsearchIndex({ url: url ?? '', alias, refreshOnWrite: true });
    return {
      index,
      discard: async () => {
        // By name: wildcard deletes are refused by default (action.destructive_requires_name).
        const indices = Object.keys(await index.client.indices.get({ index: `${alias}-*` }));
        if (indices.length > 0) await index.client.indices.delete({ index: indices });
        await index.close();
      },
    };
  });
});
