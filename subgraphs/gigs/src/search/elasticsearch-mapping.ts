import type { estypes } from '@elastic/elasticsearch';

/**
 * The gigs index as code: analysers, mapping and settings (docs/2026-12-02-elasticsearch.md).
 *
 * - `gig_text` (title, tags, description): standard tokens, lower case, accents folded, English
 *   possessives and stop words dropped, English stemming ("designs", "designing" → "design").
 * - `title.typeahead` is a `search_as_you_type` field (folded, not stemmed: a half-typed word has
 *   no stem), (and `tags.typeahead`) so `multi_match` of type `bool_prefix` matches the last word as a prefix.
 * - Filters and sorts read keyword, numeric and date fields (doc values); `gigId` is a keyword so
 *   `search_after` has a unique tie-breaker without sorting on `_id`. `ratingAverage` is a double,
 *   so the sort value a cursor carries is the exact average.
 */
export const INDEX_SETTINGS = {
  number_of_shards: 1,
  number_of_replicas: 0,
  analysis: {
    filter: {
      gig_english_stop: { type: 'stop', stopwords: '_english_' },
      gig_english_stemmer: { type: 'stemmer', language: 'english' },
      gig_english_possessive: { type: 'stemmer', language: 'possessive_english' },
    },
    analyzer: {
      gig_text: {
        type: 'custom',
        tokenizer: 'standard',
        filter: [
          'gig_english_possessive',
          'lowercase',
          'asciifolding',
          'gig_english_stop',
          'gig_english_stemmer',
        ],
      },
      gig_folded: {
        type: 'custom',
        tokenizer: 'standard',
        filter: ['lowercase', 'asciifolding'],
      },
    },
  },
} satisfies estypes.IndicesIndexSettings;

export const INDEX_MAPPINGS = {
  dynamic: 'strict',
  properties: {
    gigId: { type: 'keyword' },
    sellerId: { type: 'keyword' },
    sellerUsername: { type: 'keyword' },
    sellerFullName: { type: 'text', analyzer: 'gig_folded' },
    title: {
      type: 'text',
      analyzer: 'gig_text',
      fields: { typeahead: { type: 'search_as_you_type', analyzer: 'gig_folded' } },
    },
    description: { type: 'text', analyzer: 'gig_text' },
    tags: {
      type: 'text',
      analyzer: 'gig_text',
      fields: {
        keyword: { type: 'keyword' },
        typeahead: { type: 'search_as_you_type', analyzer: 'gig_folded' },
      },
    },
    category: { type: 'keyword' },
    subCategory: { type: 'keyword' },
    priceCents: { type: 'long' },
    currency: { type: 'keyword' },
    deliveryDays: { type: 'integer' },
    ratingAverage: { type: 'double' },
    ratingCount: { type: 'integer' },
    active: { type: 'boolean' },
    deleted: { type: 'boolean' },
    createdAt: { type: 'date' },
    updatedAt: { type: 'date' },
    /** When this process wrote the document: the reindex re-applies what was written meanwhile. */
    indexedAt: { type: 'date' },
  },
} satisfies estypes.MappingTypeMapping;
