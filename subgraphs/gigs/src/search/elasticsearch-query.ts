import type { estypes } from '@elastic/elasticsearch';
import type { GigDocument, GigSort, SearchQuery } from './search-index.js';

/**
 * The search DSL as plain data, so a test can compare what the adapter sends
 * (test/elasticsearch-dsl.test.ts). User text only ever lands in the `query` value of a
 * `multi_match` — never in `query_string` syntax — so `&|!():*'"\` are characters for the
 * analyser, not operators.
 */

type Query = estypes.QueryDslQueryContainer;

/** Full words, weighted as in PostgreSQL's tsvector: title A, tags B, description C. */
export const TEXT_FIELDS = ['title^3', 'tags^2', 'description'];
/** The as-you-type fields a half-typed last word is matched against as a prefix. */
export const PREFIX_FIELDS = [
  'title.typeahead',
  'title.typeahead._2gram',
  'title.typeahead._3gram',
  'tags.typeahead',
];

/** Control characters (NUL among them) are no text: they become spaces, as in the table. */
export function cleanText(text: string | null | undefined): string {
  // eslint-disable-next-line no-control-regex
  return (text ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
}

/** The words of the query, split on white space only (the analyser does the rest), at most 10. */
export function queryWords(text: string | null | undefined): string[] {
  return cleanText(text).split(/\s+/u).filter(Boolean).slice(0, 10);
}

/**
 * One word in any text field, typos allowed. A word the analyser leaves nothing of (`&`, a stop
 * word like "will") matches everything (`zero_terms_query: all`): it neither narrows nor empties.
 */
function wordClause(word: string): Query {
  return {
    multi_match: { query: word, fields: TEXT_FIELDS, fuzziness: 'AUTO', zero_terms_query: 'all' },
  };
}

function lastWordClause(word: string): Query {
  return {
    bool: {
      should: [
        wordClause(word),
        { multi_match: { query: word, type: 'bool_prefix', fields: PREFIX_FIELDS } },
      ],
      minimum_should_match: 1,
    },
  };
}

/** Every word must match some field (typos allowed), the last one as a prefix too. */
export function textQuery(text: string | null | undefined): Query | null {
  const words = queryWords(text);
  if (words.length === 0) return null;
  const must = words.map((word, i) =>
    i === words.length - 1 ? lastWordClause(word) : wordClause(word),
  );
  // The whole text as a phrase in the title only adds to the score.
  const should: Query[] = [{ match_phrase: { title: { query: words.join(' '), boost: 2 } } }];
  return { bool: { must, should } };
}

export const ACTIVE: Query = { term: { active: true } };

export function filterClauses(query: SearchQuery): Query[] {
  const clauses: Query[] = [ACTIVE];
  if (query.minPriceCents != null || query.maxPriceCents != null) {
    clauses.push({
      range: {
        priceCents: {
          ...(query.minPriceCents != null ? { gte: query.minPriceCents } : {}),
          ...(query.maxPriceCents != null ? { lte: query.maxPriceCents } : {}),
        },
      },
    });
  }
  if (query.maxDeliveryDays != null) {
    clauses.push({ range: { deliveryDays: { lte: query.maxDeliveryDays } } });
  }
  if (query.minRating != null) {
    clauses.push({ range: { ratingAverage: { gte: query.minRating } } });
  }
  return clauses;
}

export function categoryFilter(category: string): Query {
  return {
    bool: {
      should: [{ term: { category } }, { term: { subCategory: category } }],
      minimum_should_match: 1,
    },
  };
}

/**
 * Each order is the cursor's key (SearchCursor.value) then `gigId` ascending, unique, so
 * `search_after` never skips or repeats a gig.
 */
export const SORTS: Record<GigSort, estypes.SortCombinations[]> = {
  RELEVANCE: [{ _score: { order: 'desc' } }, { gigId: { order: 'asc' } }],
  NEWEST: [{ createdAt: { order: 'desc' } }, { gigId: { order: 'asc' } }],
  PRICE_ASC: [{ priceCents: { order: 'asc' } }, { gigId: { order: 'asc' } }],
  PRICE_DESC: [{ priceCents: { order: 'desc' } }, { gigId: { order: 'asc' } }],
  RATING: [{ ratingAverage: { order: 'desc' } }, { gigId: { order: 'asc' } }],
};

/** RELEVANCE with no text orders as NEWEST (nothing to rank by). */
export function effectiveSort(query: Pick<SearchQuery, 'sort' | 'text'>): GigSort {
  return query.sort === 'RELEVANCE' && queryWords(query.text).length === 0 ? 'NEWEST' : query.sort;
}

/** Relevance leans on the rating: ×log10(2 + average), 0.30 unrated to 0.85 at five stars. */
function withRating(query: Query): Query {
  return {
    function_score: {
      query,
      functions: [
        { field_value_factor: { field: 'ratingAverage', modifier: 'log2p', missing: 0 } },
      ],
      boost_mode: 'multiply',
    },
  };
}

export const CATEGORY_FACETS = 'categories';

export function searchBody(query: SearchQuery): Omit<estypes.SearchRequest, 'index'> {
  const text = textQuery(query.text);
  const bool: Query = { bool: { filter: filterClauses(query), ...(text ? { must: [text] } : {}) } };
  return {
    query: text ? withRating(bool) : bool,
    // The category filter applies after the facets are counted: each category's count is what
    // choosing it would give under the other filters.
    ...(query.category ? { post_filter: categoryFilter(query.category) } : {}),
    aggs: {
      [CATEGORY_FACETS]: {
        terms: { field: 'category', size: 100, order: [{ _count: 'desc' }, { _key: 'asc' }] },
      },
    },
    sort: SORTS[effectiveSort(query)],
    size: query.first + 1,
    track_total_hits: true,
    _source: false,
    ...(query.after ? { search_after: [query.after.value, query.after.gigId] } : {}),
  };
}

export function similarBody(
  gig: Pick<GigDocument, 'gigId' | 'tags' | 'category' | 'subCategory'>,
  /** The concrete index the gig was read from (more_like_this reads its terms there). */
  index: string,
  first: number,
): Omit<estypes.SearchRequest, 'index'> {
  return {
    query: {
      bool: {
        filter: [ACTIVE],
        must_not: [{ ids: { values: [gig.gigId] } }],
        should: [
          {
            more_like_this: {
              fields: ['title', 'tags', 'description'],
              like: [{ _index: index, _id: gig.gigId }],
              min_term_freq: 1,
              min_doc_freq: 1,
              max_query_terms: 25,
              minimum_should_match: '1',
            },
          },
          ...(gig.tags.length ? [{ terms: { 'tags.keyword': gig.tags, boost: 2 } }] : []),
          { term: { subCategory: { value: gig.subCategory, boost: 2 } } },
          { term: { category: { value: gig.category } } },
        ],
        minimum_should_match: 1,
      },
    },
    sort: [{ _score: { order: 'desc' } }, { gigId: { order: 'asc' } }],
    size: first,
    _source: false,
  };
}

export function topRatedBody(
  category: string | null,
  first: number,
): Omit<estypes.SearchRequest, 'index'> {
  return {
    query: {
      bool: {
        filter: [
          ACTIVE,
          { range: { ratingCount: { gte: 1 } } },
          ...(category ? [categoryFilter(category)] : []),
        ],
      },
    },
    sort: [
      { ratingAverage: { order: 'desc' } },
      { ratingCount: { order: 'desc' } },
      { gigId: { order: 'asc' } },
    ],
    size: first,
    _source: false,
  };
}
