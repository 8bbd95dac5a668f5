import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TransactionalSqlClient } from '@jobber/events';
import { parseGigsConfig, parseReindexConfig } from '../src/config.js';
import { ElasticsearchIndex } from '../src/search/elasticsearch-index.js';
import { searchIndexFromConfig } from '../src/search/index-from-config.js';

// The search implementation is chosen in one place, from the validated configuration.

const { publicKey } = generateKeyPairSync('ed25519');
const base = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/gigs',
  GATEWAY_INTERNAL_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
};
// Never queried: the factory only keeps it.
const db = {} as TransactionalSqlClient;

describe('the search implementation from config', () => {
  it('is PostgreSQL when ELASTICSEARCH_URL is not set', () => {
    const config = parseGigsConfig(base);
    expect(config.elasticsearch).toBeNull();
    const index = searchIndexFromConfig(config, { db });
    expect(index.name).toBe('postgres');
  });

  it('is Elasticsearch, non-critical, on the configured alias when ELASTICSEARCH_URL is set', async () => {
    const config = parseGigsConfig({
      ...base,
      ELASTICSEARCH_URL: 'http://127.0.0.1:9200',
      ELASTICSEARCH_INDEX: 'gigs-eu',
    });
    expect(config.elasticsearch).toEqual({ url: 'http://127.0.0.1:9200', alias: 'gigs-eu' });
    const index = searchIndexFromConfig(config, { db });
    expect(index).toBeInstanceOf(ElasticsearchIndex);
    expect(index.name).toBe('elasticsearch');
    expect(index.critical).toBe(false);
    expect((index as ElasticsearchIndex).alias).toBe('gigs-eu');
    await index.close();
  });

  it('is the same choice for the reindex command (npm run search:reindex)', async () => {
    const database = { DATABASE_URL: base.DATABASE_URL };
    expect(searchIndexFromConfig(parseReindexConfig(database), { db }).name).toBe('postgres');
    const config = parseReindexConfig({ ...database, ELASTICSEARCH_URL: 'http://127.0.0.1:9200' });
    expect(config.elasticsearch).toEqual({ url: 'http://127.0.0.1:9200', alias: 'gigs' });
    const index = searchIndexFromConfig(config, { db });
    expect(index).toBeInstanceOf(ElasticsearchIndex);
    await index.close();
  });

  it('refuses a malformed URL or index name, naming the variable', () => {
    expect(() => parseGigsConfig({ ...base, ELASTICSEARCH_URL: 'not a url' })).toThrow(
      /ELASTICSEARCH_URL/,
    );
    expect(() => parseGigsConfig({ ...base, ELASTICSEARCH_URL: 'ftp://127.0.0.1:9200' })).toThrow(
      /ELASTICSEARCH_URL/,
    );
    expect(() =>
      parseGigsConfig({
        ...base,
        ELASTICSEARCH_URL: 'http://127.0.0.1:9200',
        ELASTICSEARCH_INDEX: 'Gigs*',
      }),
    ).toThrow(/ELASTICSEARCH_INDEX/);
  });
});
