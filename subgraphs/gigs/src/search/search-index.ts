/**
 * Gig search behind one interface, so PostgreSQL (the default) and Elasticsearch (when
 * ELASTICSEARCH_URL is set) are interchangeable. `index-from-config.ts` picks one; nothing else
 * knows which.
 *
 * The index holds documents derived from the gig table (plus the seller's display fields from
 * users' events). It answers with gig ids in order; resolvers load the gigs themselves from the
 * table (one batched read), so a stale document never shows a stale or hidden gig.
 */

export const GIG_SORTS = ['RELEVANCE', 'NEWEST', 'PRICE_ASC', 'PRICE_DESC', 'RATING'] as const;
export type GigSort = (typeof GIG_SORTS)[number];

/** One gig as the index stores it. */
export interface GigDocument {
  gigId: string;
  sellerId: string;
  /** The seller's display fields (from users.seller.* events); null until known. */
  sellerUsername: string | null;
  sellerFullName: string | null;
  title: string;
  description: string;
  /** Top-level category slug, e.g. "graphics-design". */
  category: string;
  /** Sub-category slug, e.g. "logo-design" (unique across the tree). */
  subCategory: string;
  tags: string[];
  priceCents: number;
  currency: string;
  deliveryDays: number;
  /** Inactive documents may be stored but are never returned. */
  active: boolean;
  ratingCount: number;
  /** Average stars, 0 when there are no ratings. */
  ratingAverage: number;
  createdAt: Date;
  updatedAt: Date;
  /**
   * The gig's aggregate version (its latest gigs.gig.* event version). An upsert or remove with
   * a version lower than the stored one is ignored, so a late older event never overwrites.
   */
  version: number;
}

/**
 * Where a page continues: the previous page's last hit. `value` is that hit's sort key
 * (RELEVANCE: score, NEWEST: createdAt ms, PRICE_*: priceCents, RATING: ratingAverage), ties
 * broken by `gigId` ascending. Encoded for clients by `search/cursor.ts` (same for every
 * implementation); a cursor from another sort is rejected there.
 */
export interface SearchCursor {
  sort: GigSort;
  value: number;
  gigId: string;
}

/** A checked search request (the resolver validates arguments before the index sees them). */
export interface SearchQuery {
  /** Free text as the user typed it (trimmed, may be empty). Never query syntax. */
  text: string;
  /** A top-level category or sub-category slug: matches either field. */
  category: string | null;
  minPriceCents: number | null;
  maxPriceCents: number | null;
  maxDeliveryDays: number | null;
  /** Only gigs whose ratingAverage is at least this (1–5). */
  minRating: number | null;
  /** RELEVANCE with empty text orders as NEWEST (nothing to rank by). */
  sort: GigSort;
  /** Page size, 1–100 (checked by the resolver). */
  first: number;
  after: SearchCursor | null;
}

export interface SearchHit {
  gigId: string;
  /** The hit's sort key (see SearchCursor.value): the page's cursors are made from it. */
  sortValue: number;
}

export interface CategoryFacet {
  /** Top-level category slug. */
  category: string;
  count: number;
}

export interface SearchResult {
  /** Up to `first` hits in order. */
  hits: SearchHit[];
  hasNextPage: boolean;
  /** Matching active gigs for the text and all filters (independent of the page). */
  totalCount: number;
  /**
   * Matching active gigs per top-level category, for the text and every filter except
   * `category` (so a buyer sees what the other categories hold); categories with 0 left out,
   * largest first, ties by slug.
   */
  facets: CategoryFacet[];
}

export interface SearchIndex {
  /** Short name for logs and readiness ("postgres", "elasticsearch"). */
  readonly name: string;
  search(query: SearchQuery): Promise<SearchResult>;
  /**
   * Active gigs most like `gigId` (shared tags, category, title words), best first, the gig
   * itself excluded; empty when the gig is unknown or inactive.
   */
  similar(gigId: string, first: number): Promise<SearchHit[]>;
  /**
   * Active gigs with at least one rating, by ratingAverage then ratingCount (both descending),
   * then gigId; optionally in one category (top-level or sub-category slug).
   */
  topRated(category: string | null, first: number): Promise<SearchHit[]>;
  /** Insert or replace documents, each only if its version is not older than the stored one. */
  upsert(documents: readonly GigDocument[]): Promise<void>;
  /** Remove a gig's document unless a newer version is stored. */
  remove(gigId: string, version: number): Promise<void>;
  /**
   * Replace the whole index with `batches` (the reindex command): readers see the old index
   * until the new one is complete.
   */
  rebuild(batches: AsyncIterable<readonly GigDocument[]>): Promise<{ documents: number }>;
  /** Readiness: resolves when the index can answer, rejects with why not. */
  check(): Promise<void>;
  /** Whether a failing check() makes the service unready (true) or only degraded (false). */
  readonly critical: boolean;
  close(): Promise<void>;
}
