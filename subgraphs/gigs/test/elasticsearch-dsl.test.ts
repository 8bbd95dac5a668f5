import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ElasticsearchIndex,
  initialIndexName,
  toSource,
} from '../src/search/elasticsearch-index.js';
import { INDEX_MAPPINGS, INDEX_SETTINGS } from '../src/search/elasticsearch-mapping.js';
import { rebuildIndex } from '../src/search/elasticsearch-reindex.js';
import type { GigDocument, SearchQuery } from '../src/search/search-index.js';
import { startEsStandIn, type EsStandIn, type RecordedRequest } from './elasticsearch-stand-in.js';

// The adapter's requests, checked against a local HTTP stand-in: the DSL it sends is the
// contract with Elasticsearch (the shared suite runs it against a real cluster when one is set).

const HOSTILE = `a&b|c!d(e)f:g*h'i"j\\k\u0000l`;

function gig(overrides: Partial<GigDocument> = {}): GigDocument {
  return {
    gigId: '00000000-0000-4000-8000-000000000001',
    version: 3,
    sellerId: '00000000-0000-4000-8000-0000000000aa',
    sellerUsername: 'ada',
    sellerFullName: 'Ada Lovelace',
    title: 'I will design a minimalist logo',
    description: 'A clean, modern logo for your brand with three revisions.',
    category: 'graphics-design',
    subCategory: 'logo-design',
    tags: ['logo', 'branding'],
    priceCents: 5_000,
    currency: 'USD',
    deliveryDays: 3,
    active: true,
    ratingCount: 2,
    ratingAverage: 4.5,
    createdAt: new Date('2026-12-01T10:00:00.000Z'),
    updatedAt: new Date('2026-12-01T11:00:00.000Z'),
    ...overrides,
  };
}

const query = (overrides: Partial<SearchQuery> = {}): SearchQuery => ({
  text: '',
  category: null,
  minPriceCents: null,
  maxPriceCents: null,
  maxDeliveryDays: null,
  minRating: null,
  sort: 'RELEVANCE',
  first: 20,
  after: null,
  ...overrides,
});

const emptySearch = {
  took: 1,
  timed_out: false,
  hits: { total: { value: 0, relation: 'eq' }, hits: [] },
  aggregations: { categories: { buckets: [] } },
};

/** Every value anywhere in a JSON body, with the path it sits at. */
function leaves(value: unknown, path = ''): [string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) =>
      leaves(item, path ? `${path}.${key}` : key),
    );
  }
  return [[path, value]];
}

function keys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keys);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [key, ...keys(item)]);
  }
  return [];
}

let es: EsStandIn;
let index: ElasticsearchIndex;

beforeAll(async () => {
  es = await startEsStandIn();
  index = new ElasticsearchIndex({ url: es.url, alias: 'gigs' });
});
afterAll(async () => {
  await index.close();
  await es.close();
});
afterEach(() => {
  es.reset();
});

/** The one search body the adapter sent for `q`. */
/** The bool query inside the function_score (text) or as it is (no text). */
function boolOf(body: Record<string, unknown>): Record<string, unknown> {
  const query = body['query'] as {
    function_score?: { query: { bool: Record<string, unknown> } };
    bool?: Record<string, unknown>;
  };
  return query.function_score ? query.function_score.query.bool : (query.bool ?? {});
}

async function searchBodyFor(q: SearchQuery): Promise<Record<string, unknown>> {
  es.answer((request) => (request.path.endsWith('/_search') ? { body: emptySearch } : undefined));
  await index.search(q);
  const [search] = es.sent('POST', '/gigs/_search');
  expect(search).toBeDefined();
  return (search as RecordedRequest).body as Record<string, unknown>;
}

describe('the index', () => {
  it('creates the initial index with the mapping and analysers, aliased, when there is no alias', async () => {
    const fresh = new ElasticsearchIndex({ url: es.url, alias: 'fresh' });
    es.answer((request) =>
      request.method === 'HEAD' && request.path === '/_alias/fresh' ? { status: 404 } : undefined,
    );
    es.answer((request) => (request.path.endsWith('/_search') ? { body: emptySearch } : undefined));
    await fresh.search(query());
    await fresh.close();

    const [create] = es.sent('PUT', `/${initialIndexName('fresh')}`);
    const body = create?.body as Record<string, unknown>;
    expect(body['aliases']).toEqual({ fresh: {} });
    expect(body['mappings']).toEqual(INDEX_MAPPINGS);
    expect(body['settings']).toEqual(INDEX_SETTINGS);
    const analysis = INDEX_SETTINGS.analysis;
    expect(analysis.analyzer.gig_text.filter).toContain('gig_english_stemmer');
    expect(analysis.filter.gig_english_stemmer).toEqual({ type: 'stemmer', language: 'english' });
    expect(INDEX_MAPPINGS.properties.title.fields.typeahead.type).toBe('search_as_you_type');
  });

  it('does not create an index when the alias is there', async () => {
    await searchBodyFor(query());
    expect(es.requests.filter((request) => request.method === 'PUT')).toEqual([]);
  });
});

describe('search', () => {
  it('matches every word with fuzziness AUTO, the last also as a prefix, on the weighted fields', async () => {
    const body = await searchBodyFor(query({ text: 'logo desgin' }));
    const bool = boolOf(body);
    const [text] = bool['must'] as [{ bool: { must: unknown[] } }];
    expect(text.bool.must).toEqual([
      {
        multi_match: {
          query: 'logo',
          fields: ['title^3', 'tags^2', 'description'],
          fuzziness: 'AUTO',
          zero_terms_query: 'all',
        },
      },
      {
        bool: {
          should: [
            {
              multi_match: {
                query: 'desgin',
                fields: ['title^3', 'tags^2', 'description'],
                fuzziness: 'AUTO',
                zero_terms_query: 'all',
              },
            },
            {
              multi_match: {
                query: 'desgin',
                type: 'bool_prefix',
                fields: [
                  'title.typeahead',
                  'title.typeahead._2gram',
                  'title.typeahead._3gram',
                  'tags.typeahead',
                ],
              },
            },
          ],
          minimum_should_match: 1,
        },
      },
    ]);
    expect(body['track_total_hits']).toBe(true);
    expect(body['size']).toBe(21);
  });

  it('filters price range, delivery, minimum rating and active in bool.filter; category as a post_filter', async () => {
    const body = await searchBodyFor(
      query({
        category: 'graphics-design',
        minPriceCents: 1_000,
        maxPriceCents: 9_000,
        maxDeliveryDays: 5,
        minRating: 4,
      }),
    );
    const bool = boolOf(body);
    expect(body['query']).not.toHaveProperty('function_score');
    expect(bool['filter']).toEqual([
      { term: { active: true } },
      { range: { priceCents: { gte: 1_000, lte: 9_000 } } },
      { range: { deliveryDays: { lte: 5 } } },
      { range: { ratingAverage: { gte: 4 } } },
    ]);
    expect(bool['must']).toBeUndefined();
    expect(body['post_filter']).toEqual({
      bool: {
        should: [
          { term: { category: 'graphics-design' } },
          { term: { subCategory: 'graphics-design' } },
        ],
        minimum_should_match: 1,
      },
    });
    expect(body['aggs']).toEqual({
      categories: {
        terms: { field: 'category', size: 100, order: [{ _count: 'desc' }, { _key: 'asc' }] },
      },
    });
  });

  it('always filters active gigs, even with no filter at all', async () => {
    const body = await searchBodyFor(query());
    expect(JSON.stringify(body['query'])).toContain('{"term":{"active":true}}');
    expect(body['post_filter']).toBeUndefined();
  });

  it.each([
    ['RELEVANCE', 'logo', [{ _score: { order: 'desc' } }, { gigId: { order: 'asc' } }]],
    ['RELEVANCE', '', [{ createdAt: { order: 'desc' } }, { gigId: { order: 'asc' } }]],
    ['NEWEST', '', [{ createdAt: { order: 'desc' } }, { gigId: { order: 'asc' } }]],
    ['PRICE_ASC', 'logo', [{ priceCents: { order: 'asc' } }, { gigId: { order: 'asc' } }]],
    ['PRICE_DESC', '', [{ priceCents: { order: 'desc' } }, { gigId: { order: 'asc' } }]],
    ['RATING', '', [{ ratingAverage: { order: 'desc' } }, { gigId: { order: 'asc' } }]],
  ] as const)('sorts %s (text %j) by the cursor key, then gigId', async (sort, text, expected) => {
    const body = await searchBodyFor(query({ sort, text }));
    expect(body['sort']).toEqual(expected);
  });

  it('boosts relevance by rating with function_score', async () => {
    const body = await searchBodyFor(query({ text: 'logo' }));
    const score = (body['query'] as { function_score: Record<string, unknown> }).function_score;
    expect(score['functions']).toEqual([
      { field_value_factor: { field: 'ratingAverage', modifier: 'log2p', missing: 0 } },
    ]);
    expect(score['boost_mode']).toBe('multiply');
  });

  it('reads hits, sort values, total and facets, and pages on with search_after', async () => {
    const first = '00000000-0000-4000-8000-000000000001';
    const second = '00000000-0000-4000-8000-000000000002';
    es.answer((request) =>
      request.path.endsWith('/_search')
        ? {
            body: {
              hits: {
                total: { value: 7, relation: 'eq' },
                hits: [
                  { _id: first, _score: null, sort: [5000, first] },
                  { _id: second, _score: null, sort: [6000, second] },
                ],
              },
              aggregations: {
                categories: {
                  buckets: [
                    { key: 'graphics-design', doc_count: 5 },
                    { key: 'writing', doc_count: 2 },
                  ],
                },
              },
            },
          }
        : undefined,
    );
    const page = await index.search(query({ sort: 'PRICE_ASC', first: 1 }));
    expect(page.hits).toEqual([{ gigId: first, sortValue: 5000 }]);
    expect(page.hasNextPage).toBe(true);
    expect(page.totalCount).toBe(7);
    expect(page.facets).toEqual([
      { category: 'graphics-design', count: 5 },
      { category: 'writing', count: 2 },
    ]);

    es.requests.length = 0;
    await index.search(
      query({
        sort: 'PRICE_ASC',
        first: 1,
        after: { sort: 'PRICE_ASC', value: 5000, gigId: first },
      }),
    );
    const [next] = es.sent('POST', '/gigs/_search');
    expect((next?.body as Record<string, unknown>)['search_after']).toEqual([5000, first]);
  });

  it('passes hostile text only as plain query values, never as query syntax', async () => {
    const body = await searchBodyFor(query({ text: `${HOSTILE} logo` }));
    const bodyKeys = keys(body);
    expect(bodyKeys).not.toContain('query_string');
    expect(bodyKeys).not.toContain('simple_query_string');
    expect(bodyKeys).not.toContain('script');
    expect(bodyKeys).not.toContain('regexp');
    expect(bodyKeys).not.toContain('wildcard');
    const cleaned = HOSTILE.replace('\u0000', ' ');
    const [word] = cleaned.split(' ');
    const texts = leaves(body).filter(
      ([, value]) => typeof value === 'string' && value.includes('&'),
    );
    expect(texts.length).toBeGreaterThan(0);
    for (const [path, value] of texts) {
      // Only ever the value of a multi_match/match_phrase `query`.
      expect(path).toMatch(/(multi_match|match_phrase\.title)\.query$/);
      expect([word, `${cleaned} logo`.replace(/\s+/g, ' ')]).toContain(value);
    }
    // NUL never goes over the wire (JSON would carry it as \u0000).
    const [search] = es.sent('POST', '/gigs/_search');
    expect(search?.raw).not.toContain('\\u0000');
  });
});

describe('similar and top rated', () => {
  it('asks more_like_this for the gig, boosted by shared tags and category, without the gig itself', async () => {
    const source = gig();
    es.answer((request) =>
      request.method === 'GET' && request.path === `/gigs/_doc/${source.gigId}`
        ? {
            body: {
              _index: 'gigs-initial',
              _id: source.gigId,
              found: true,
              _source: { ...source },
            },
          }
        : undefined,
    );
    es.answer((request) =>
      request.path.endsWith('/_search')
        ? {
            body: {
              hits: {
                total: { value: 1, relation: 'eq' },
                hits: [{ _id: 'other', _score: 1.5, sort: [1.5, 'other'] }],
              },
            },
          }
        : undefined,
    );
    expect(await index.similar(source.gigId, 5)).toEqual([{ gigId: 'other', sortValue: 1.5 }]);
    const [search] = es.sent('POST', '/gigs/_search');
    const body = search?.body as { size: number; query: { bool: Record<string, unknown> } };
    expect(body.size).toBe(5);
    expect(body.query.bool['filter']).toEqual([{ term: { active: true } }]);
    expect(body.query.bool['must_not']).toEqual([{ ids: { values: [source.gigId] } }]);
    const should = body.query.bool['should'] as Record<string, unknown>[];
    expect(should[0]).toEqual({
      more_like_this: {
        fields: ['title', 'tags', 'description'],
        like: [{ _index: 'gigs-initial', _id: source.gigId }],
        min_term_freq: 1,
        min_doc_freq: 1,
        max_query_terms: 25,
        minimum_should_match: '1',
      },
    });
    expect(should).toContainEqual({ terms: { 'tags.keyword': ['logo', 'branding'], boost: 2 } });
    expect(should).toContainEqual({ term: { subCategory: { value: 'logo-design', boost: 2 } } });
  });

  it('has nothing similar to a gig it does not hold', async () => {
    es.answer((request) =>
      request.method === 'GET' ? { status: 404, body: { found: false } } : undefined,
    );
    expect(await index.similar('00000000-0000-4000-8000-00000000dead', 5)).toEqual([]);
    expect(es.sent('POST', '/gigs/_search')).toEqual([]);
  });

  it('ranks top rated gigs by average then count, rated and active only, in a category', async () => {
    es.answer((request) => (request.path.endsWith('/_search') ? { body: emptySearch } : undefined));
    await index.topRated('writing', 3);
    const [search] = es.sent('POST', '/gigs/_search');
    const body = search?.body as {
      size: number;
      sort: unknown;
      query: { bool: { filter: unknown[] } };
    };
    expect(body.size).toBe(3);
    expect(body.sort).toEqual([
      { ratingAverage: { order: 'desc' } },
      { ratingCount: { order: 'desc' } },
      { gigId: { order: 'asc' } },
    ]);
    expect(body.query.bool.filter).toContainEqual({ term: { active: true } });
    expect(body.query.bool.filter).toContainEqual({ range: { ratingCount: { gte: 1 } } });
  });
});

describe('writes', () => {
  const at = new Date('2026-12-02T12:00:00.000Z');
  let writer: ElasticsearchIndex;
  beforeAll(() => {
    writer = new ElasticsearchIndex({ url: es.url, alias: 'gigs', now: () => at });
  });
  afterAll(async () => {
    await writer.close();
  });

  const bulkOk = (request: RecordedRequest) =>
    request.path === '/_bulk' ? { body: { errors: false, items: [], took: 1 } } : undefined;

  it('bulk-indexes gigs with their versions as external versions, through the alias only', async () => {
    es.answer(bulkOk);
    const documents = [gig({ version: 7 }), gig({ gigId: 'g2', version: 2, tags: ['seo'] })];
    await writer.upsert(documents);
    const [bulk] = es.sent('POST', '/_bulk');
    expect(bulk?.query.get('require_alias')).toBe('true');
    const lines = bulk?.body as Record<string, unknown>[];
    expect(lines).toHaveLength(4);
    expect(lines[0]).toEqual({
      index: { _index: 'gigs', _id: documents[0]?.gigId, version: 7, version_type: 'external_gte' },
    });
    const { version: _version, ...rest } = documents[0] as GigDocument;
    expect(lines[1]).toEqual({
      ...rest,
      createdAt: '2026-12-01T10:00:00.000Z',
      updatedAt: '2026-12-01T11:00:00.000Z',
      indexedAt: at.toISOString(),
    });
    expect(lines[2]).toMatchObject({ index: { _id: 'g2', version: 2 } });
    // Every field the adapter writes is in the strict mapping.
    for (const key of Object.keys(lines[1] ?? {})) {
      expect(INDEX_MAPPINGS.properties).toHaveProperty(key);
    }
  });

  it('takes a 409 item (a newer version is stored) as a late event to ignore', async () => {
    es.answer((request) =>
      request.path === '/_bulk'
        ? {
            body: {
              errors: true,
              took: 1,
              items: [
                {
                  index: {
                    _id: 'g1',
                    _index: 'gigs-initial',
                    status: 409,
                    error: { type: 'version_conflict_engine_exception', reason: 'older' },
                  },
                },
              ],
            },
          }
        : undefined,
    );
    await expect(writer.upsert([gig({ version: 1 })])).resolves.toBeUndefined();
  });

  it('fails the write on any other refused item (the consumer retries it)', async () => {
    es.answer((request) =>
      request.path === '/_bulk'
        ? {
            body: {
              errors: true,
              took: 1,
              items: [
                {
                  index: {
                    _id: 'g1',
                    _index: 'gigs-initial',
                    status: 400,
                    error: { type: 'mapper_parsing_exception', reason: 'bad' },
                  },
                },
              ],
            },
          }
        : undefined,
    );
    await expect(writer.upsert([gig()])).rejects.toThrow(/mapper_parsing_exception/);
  });

  it('removes a gig as a versioned tombstone, so an older upsert cannot bring it back', async () => {
    await writer.remove('g1', 9);
    const [write] = es.sent('PUT', '/gigs/_doc/g1');
    expect(write?.query.get('version')).toBe('9');
    expect(write?.query.get('version_type')).toBe('external_gte');
    expect(write?.query.get('require_alias')).toBe('true');
    expect(write?.body).toEqual({
      gigId: 'g1',
      active: false,
      deleted: true,
      indexedAt: at.toISOString(),
    });
  });

  it('takes a 409 on remove as a late removal to ignore', async () => {
    es.answer((request) =>
      request.method === 'PUT'
        ? {
            status: 409,
            body: { error: { type: 'version_conflict_engine_exception' }, status: 409 },
          }
        : undefined,
    );
    await expect(writer.remove('g1', 1)).resolves.toBeUndefined();
  });

  it('answers UNAVAILABLE when the cluster fails a search', async () => {
    es.answer((request) =>
      request.path.endsWith('/_search')
        ? { status: 503, body: { error: 'unavailable', status: 503 } }
        : undefined,
    );
    await expect(writer.search(query())).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('checks readiness with cluster health, red failing', async () => {
    es.answer((request) =>
      request.path === '/_cluster/health' ? { body: { status: 'yellow' } } : undefined,
    );
    await expect(writer.check()).resolves.toBeUndefined();
    es.answer((request) =>
      request.path === '/_cluster/health' ? { body: { status: 'red' } } : undefined,
    );
    await expect(writer.check()).rejects.toThrow(/red/);
    expect(writer.critical).toBe(false);
  });
});

describe('the alias-swap rebuild', () => {
  const startedAt = new Date('2026-12-02T13:15:00.123Z');
  const name = 'gigs-20261202t131500123z';
  let rebuilder: ElasticsearchIndex;
  beforeAll(() => {
    rebuilder = new ElasticsearchIndex({ url: es.url, alias: 'gigs', now: () => startedAt });
  });
  afterAll(async () => {
    await rebuilder.close();
  });

  async function* batches(documents: GigDocument[], size: number) {
    for (let i = 0; i < documents.length; i += size) yield documents.slice(i, i + size);
  }

  it('fills gigs-<timestamp> in bulk with versions, swaps the alias atomically, copies what events wrote meanwhile, deletes the old index', async () => {
    es.answer((request) =>
      request.method === 'GET' && request.path === '/_alias/gigs'
        ? { body: { 'gigs-initial': { aliases: { gigs: {} } } } }
        : undefined,
    );
    es.answer((request) =>
      request.path === '/_bulk' ? { body: { errors: false, items: [], took: 1 } } : undefined,
    );
    // One gig updated through the old index while the new one filled.
    const late = toSource(gig({ gigId: 'g2' }), new Date('2026-12-02T13:15:01.000Z'));
    es.answer((request) =>
      request.path === '/gigs-initial/_search'
        ? {
            body: {
              hits: {
                total: { value: 1, relation: 'eq' },
                hits: [{ _id: 'g2', _version: 6, _source: late, sort: ['g2'] }],
              },
            },
          }
        : undefined,
    );
    const documents = [gig(), gig({ gigId: 'g2', version: 5 }), gig({ gigId: 'g3' })];
    const report = await rebuildIndex(rebuilder, batches(documents, 2));
    expect(report).toEqual({ documents: 3, index: name, replaced: ['gigs-initial'], caughtUp: 1 });

    const [create] = es.sent('PUT', `/${name}`);
    expect((create?.body as Record<string, unknown>)['mappings']).toEqual(INDEX_MAPPINGS);
    expect((create?.body as { settings: Record<string, unknown> }).settings).toMatchObject({
      refresh_interval: '-1',
      analysis: INDEX_SETTINGS.analysis,
    });

    const bulks = es.sent('POST', '/_bulk');
    expect(bulks.map((bulk) => (bulk.body as unknown[]).length)).toEqual([4, 2, 2]);
    const [firstBulk, secondBulk, catchUp] = bulks.map((bulk) => bulk.body as unknown[]);
    expect(firstBulk?.[0]).toEqual({
      index: { _index: name, _id: documents[0]?.gigId, version: 3, version_type: 'external_gte' },
    });
    expect(firstBulk?.[1]).toMatchObject({ title: documents[0]?.title, active: true });
    expect(firstBulk?.[2]).toMatchObject({ index: { _index: name, _id: 'g2', version: 5 } });
    expect(secondBulk?.[0]).toMatchObject({ index: { _id: 'g3' } });
    // The late write goes over with the version the old index held (6 beats the table's 5 only
    // if the table had not caught up; external_gte keeps whichever is newer).
    expect(catchUp).toEqual([
      { index: { _index: name, _id: 'g2', version: 6, version_type: 'external_gte' } },
      late,
    ]);

    const [meanwhile] = es.sent('POST', '/gigs-initial/_search');
    expect((meanwhile?.body as Record<string, unknown>)['query']).toEqual({
      range: { indexedAt: { gte: startedAt.toISOString() } },
    });

    const [swap] = es.sent('POST', '/_aliases');
    expect(swap?.body).toEqual({
      actions: [
        { add: { index: name, alias: 'gigs' } },
        { remove: { index: 'gigs-initial', alias: 'gigs' } },
      ],
    });
    // Fill, refresh, swap, catch up, then delete the old index: in that order.
    const order = es.requests.map((request) => `${request.method} ${request.path}`);
    const at = (line: string) => order.indexOf(line);
    expect(at(`GET /${name}/_refresh`)).toBeGreaterThan(order.indexOf('POST /_bulk'));
    expect(at('POST /_aliases')).toBeGreaterThan(at(`GET /${name}/_refresh`));
    expect(order.lastIndexOf('POST /_bulk')).toBeGreaterThan(at('POST /_aliases'));
    expect(at('DELETE /gigs-initial')).toBeGreaterThan(order.lastIndexOf('POST /_bulk'));
  });

  it('on a cluster with no alias yet, adds it and deletes nothing', async () => {
    es.answer((request) =>
      request.path === '/_alias/gigs' ? { status: 404, body: { status: 404 } } : undefined,
    );
    es.answer((request) =>
      request.method === 'HEAD' && request.path === '/gigs' ? { status: 404 } : undefined,
    );
    es.answer((request) =>
      request.path === '/_bulk' ? { body: { errors: false, items: [], took: 1 } } : undefined,
    );
    expect(await rebuilder.rebuild(batches([gig()], 10))).toEqual({ documents: 1 });
    const [swap] = es.sent('POST', '/_aliases');
    expect(swap?.body).toEqual({ actions: [{ add: { index: name, alias: 'gigs' } }] });
    expect(es.requests.filter((request) => request.method === 'DELETE')).toEqual([]);
  });

  it('leaves the alias alone and deletes the half-built index when a bulk fails', async () => {
    es.answer((request) =>
      request.path === '/_bulk'
        ? {
            body: {
              errors: true,
              took: 1,
              items: [
                {
                  index: {
                    _id: 'x',
                    _index: name,
                    status: 400,
                    error: { type: 'mapper_parsing_exception', reason: 'bad' },
                  },
                },
              ],
            },
          }
        : undefined,
    );
    await expect(rebuilder.rebuild(batches([gig()], 10))).rejects.toThrow(
      /mapper_parsing_exception/,
    );
    expect(es.sent('POST', '/_aliases')).toEqual([]);
    expect(es.sent('DELETE', `/${name}`)).toHaveLength(1);
  });
});
