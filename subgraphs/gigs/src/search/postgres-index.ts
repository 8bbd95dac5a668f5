import type { SqlClient, TransactionalSqlClient } from '@jobber/events';
import { searchWords, vocabularyWords } from './search-text.js';
import type {
  CategoryFacet,
  GigDocument,
  GigSort,
  SearchHit,
  SearchIndex,
  SearchQuery,
  SearchResult,
} from './search-index.js';

/**
 * Search on PostgreSQL (the default): `gig_search_documents` with a weighted tsvector (title A,
 * tags B, description C) under a GIN index; the last word matches as a prefix; a word found in no
 * title or tag is widened with its nearest `search_terms` by pg_trgm similarity (typos). User text
 * only reaches `to_tsquery` as letters and digits (search-text.ts), and always as a bind value.
 */

/** Nearest vocabulary words kept for an unknown word, and how alike they must be. */
const MAX_CORRECTIONS = 3;
const MIN_SIMILARITY = 0.25;

interface SortSpec {
  /** SQL for the sort value (float8, the cursor's value), over `d` (the document). */
  key: string;
  /**
   * What the page is ordered by: the plain column the key grows with, so that a filter-only page
   * walks a btree index in order and stops after `first + 1` rows. Absent when the key is
   * computed per match (the rank): the page then computes it once per row, in a subquery the
   * planner may not inline (OFFSET 0), and orders by that value, so that the ORDER BY and the
   * cursor's condition do not rank every match again each (61 → 44 ms for "logo", 100,000 gigs).
   */
  order?: string;
  descending: boolean;
}

/** The search's tsquery ($1); only built when there is text ($1 <> ''). */
const TSQUERY = "to_tsquery('english', $1::text)";

/**
 * The rank rounded to 6 decimals in float8 arithmetic (a numeric round cost 35 ms on 33,561
 * matches), so the value a cursor carries compares equal to the one recomputed.
 */
const RANK = `(round(ts_rank(d.document, ${TSQUERY})::float8 * 1e6) / 1e6)`;

const sorts: Record<GigSort, SortSpec> = {
  RELEVANCE: { key: RANK, descending: true },
  NEWEST: {
    key: '(extract(epoch FROM d.created_at) * 1000)::float8',
    order: 'd.created_at',
    descending: true,
  },
  PRICE_ASC: { key: 'd.price_cents::float8', order: 'd.price_cents', descending: false },
  PRICE_DESC: { key: 'd.price_cents::float8', order: 'd.price_cents', descending: true },
  RATING: { key: 'd.rating_average', order: 'd.rating_average', descending: true },
};

/** Every filter but `category` (the facets' set): text $1, price $2–$3, delivery $4, rating $5. */
const MATCHES = `d.active
  AND ($1::text = '' OR d.document @@ ${TSQUERY})
  AND ($2::int IS NULL OR d.price_cents >= $2::int)
  AND ($3::int IS NULL OR d.price_cents <= $3::int)
  AND ($4::int IS NULL OR d.delivery_days <= $4::int)
  AND ($5::float8 IS NULL OR d.rating_average >= $5::float8)`;
const IN_CATEGORY = '($6::text IS NULL OR d.category = $6::text OR d.sub_category = $6::text)';

/**
 * The facets (every filter but `category`) and, per category, how many also match it (their sum
 * is `totalCount`). Without text it is an index-only pass ((active, category, price_cents), or
 * the covering price index for a price range); with text, the GIN index's matches.
 */
const COUNTS = `SELECT d.category, count(*) AS n, count(*) FILTER (WHERE ${IN_CATEGORY}) AS in_category
  FROM gig_search_documents d
  WHERE ${MATCHES}
  GROUP BY d.category`;

interface CountRow {
  category: string;
  n: bigint | number;
  in_category: bigint | number;
}

const DOCUMENT_VECTOR = `setweight(to_tsvector('english', r.title), 'A')
  || setweight(to_tsvector('english', array_to_string(r.tags, ' ')), 'B')
  || setweight(to_tsvector('english', r.description), 'C')`;

/** The search row's columns (the search table is narrow: see the Prisma schema). */
const DOCUMENT_COLUMNS = `gig_id, category, sub_category, price_cents, delivery_days, active,
  rating_count, rating_average, created_at, version, document`;

const RECORD_TYPE = `r(gig_id uuid, title text, description text, category text,
  sub_category text, tags text[], price_cents int, delivery_days int, active boolean,
  rating_count int, rating_average float8, created_at timestamptz, version int)`;

function recordsJson(documents: readonly GigDocument[]): string {
  return JSON.stringify(
    documents.map((doc) => ({
      gig_id: doc.gigId,
      title: doc.title,
      description: doc.description,
      category: doc.category,
      sub_category: doc.subCategory,
      tags: doc.tags,
      price_cents: doc.priceCents,
      delivery_days: doc.deliveryDays,
      active: doc.active,
      rating_count: doc.ratingCount,
      rating_average: doc.ratingAverage,
      created_at: doc.createdAt.toISOString(),
      version: doc.version,
    })),
  );
}

export class PostgresSearchIndex implements SearchIndex {
  readonly name = 'postgres';
  /** The index is a table of the gigs database: when it fails, so does everything else. */
  readonly critical = true;

  constructor(private readonly db: TransactionalSqlClient) {}

  async search(query: SearchQuery): Promise<SearchResult> {
    const words = searchWords(query.text);
    const tsquery = words.length > 0 ? await this.tsquery(words) : '';
    const sort: GigSort = tsquery === '' && query.sort === 'RELEVANCE' ? 'NEWEST' : query.sort;
    const filters = [
      tsquery,
      query.minPriceCents,
      query.maxPriceCents,
      query.maxDeliveryDays,
      query.minRating,
      query.category,
    ] as const;
    // The page and the counts are two statements on two connections, run at once: each reads
    // the matches (for a broad word, a third of the table: the heap visit is the cost), so on
    // a machine with a core to spare the answer takes the longer of the two, not their sum.
    // They may see different snapshots; a gig written in between can make totalCount differ
    // from the pages by one for that moment, as any concurrent write would a moment later.
    const [hits, counts] = await Promise.all([
      this.page(sorts[sort], filters, query),
      this.db.$queryRawUnsafe<CountRow[]>(COUNTS, ...filters),
    ]);
    // Every row is a category with matches (GROUP BY makes no empty groups).
    const facets: CategoryFacet[] = counts
      .map((row) => ({ category: row.category, count: Number(row.n) }))
      .sort((a, b) => b.count - a.count || a.category.localeCompare(b.category));
    return {
      hits: hits.slice(0, query.first),
      hasNextPage: hits.length > query.first,
      totalCount: counts.reduce((sum, row) => sum + Number(row.in_category), 0),
      facets,
    };
  }

  /** `first + 1` hits after the cursor, in the sort's order (ties by gig id). */
  private async page(
    spec: SortSpec,
    filters: readonly unknown[],
    query: SearchQuery,
  ): Promise<SearchHit[]> {
    const order = spec.descending ? 'DESC' : 'ASC';
    const cursorOp = spec.descending ? '<' : '>';
    // Without text, `o` is a plain column, so the page walks a btree (active, <sort key>,
    // gig_id) in order and stops at first + 1 rows; with text, the GIN index finds the matches.
    // The id becomes text only for the page's rows (outermost): below the sort, the cast ran
    // for every match (a third of the table for a broad word), and an output column named
    // gig_id made the ties (thousands of equal ranks) compare text under the collation instead
    // of uuids (together 50 → 36 ms for "logo" on 100,000 gigs).
    const rows = await this.db.$queryRawUnsafe<{ id: string; sort_value: number }[]>(
      `SELECT gig_id::text AS id, sort_value FROM (
        SELECT gig_id, sort_value FROM (
          SELECT d.gig_id, ${spec.key} AS sort_value${spec.order ? `, ${spec.order} AS o` : ''}
          FROM gig_search_documents d
          WHERE ${MATCHES} AND ${IN_CATEGORY}
          ${spec.order ? '' : 'OFFSET 0'}
        ) m
        WHERE $7::float8 IS NULL
          OR sort_value ${cursorOp} $7::float8
          OR (sort_value = $7::float8 AND gig_id > $8::uuid)
        ORDER BY ${spec.order ? 'o' : 'sort_value'} ${order}, gig_id ASC
        LIMIT $9::int
      ) page
      ORDER BY sort_value ${order}, gig_id ASC`,
      ...filters,
      query.after?.value ?? null,
      query.after?.gigId ?? null,
      query.first + 1,
    );
    return rows.map((row) => ({ gigId: row.id, sortValue: Number(row.sort_value) }));
  }

  /**
   * The tsquery text for the words: each word AND-ed; the last, as the user types it, a prefix
   * of the title and tag words that start with it. A word no title or tag word equals or starts
   * with is matched as it is (in a description, say) OR-ed with its nearest vocabulary words
   * (typos), and never as a prefix: PostgreSQL estimates a prefix's GIN scan as costly as
   * reading the table, so "desgin:* | design" read all 100,000 gigs (73 ms) where
   * "desgin | design" takes the index (29 ms). Only letters and digits reach it.
   */
  private async tsquery(words: readonly string[]): Promise<string> {
    // The nearest terms through the trigram index (`%`), whose threshold is a setting: set for
    // this transaction only. similarity() over every term took 90 ms for 50,000 terms; `%`
    // takes 1.3 ms. The explicit similarity() keeps the bound whatever the setting holds.
    const rows = await this.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL pg_trgm.similarity_threshold = ${MIN_SIMILARITY}`);
      return tx.$queryRawUnsafe<{ word: string; known: boolean; near: string[] }[]>(
        `SELECT w.word,
          EXISTS (SELECT 1 FROM search_terms t WHERE t.term = w.word OR t.term LIKE w.word || '%') AS known,
          ARRAY(
            SELECT t.term FROM search_terms t
            WHERE t.term % w.word AND similarity(t.term, w.word) >= $2::float4
            ORDER BY similarity(t.term, w.word) DESC, t.term
            LIMIT $3::int
          ) AS near
        FROM unnest($1::text[]) AS w(word)`,
        words,
        MIN_SIMILARITY,
        MAX_CORRECTIONS,
      );
    });
    const byWord = new Map(rows.map((row) => [row.word, row]));
    return words
      .map((word, index) => {
        const row = byWord.get(word);
        const known = row?.known ?? false;
        const prefix = known && index === words.length - 1 ? ':*' : '';
        const near = row && !known ? row.near.filter((term) => term !== word) : [];
        const alternatives = [`${word}${prefix}`, ...near];
        return alternatives.length === 1 ? alternatives[0] : `(${alternatives.join(' | ')})`;
      })
      .join(' & ');
  }

  async similar(gigId: string, first: number): Promise<SearchHit[]> {
    const rows = await this.db.$queryRawUnsafe<{ gig_id: string; score: number }[]>(
      `WITH g AS (
        SELECT d.gig_id, d.category, d.sub_category, f.title, f.tags
        FROM gig_search_documents d JOIN gig_similarity_features f USING (gig_id)
        WHERE d.gig_id = $1::uuid AND d.active
      )
      SELECT d.gig_id::text AS gig_id,
        (3 * cardinality(ARRAY(SELECT unnest(f.tags) INTERSECT SELECT unnest(g.tags)))
          + 2 * (d.sub_category = g.sub_category)::int
          + (d.category = g.category)::int
          + similarity(f.title, g.title))::float8 AS score
      FROM gig_search_documents d JOIN gig_similarity_features f USING (gig_id), g
      WHERE d.active AND d.gig_id <> g.gig_id
        AND (d.category = g.category OR f.tags && g.tags)
      ORDER BY score DESC, d.gig_id ASC
      LIMIT $2::int`,
      gigId,
      first,
    );
    return rows.map((row) => ({ gigId: row.gig_id, sortValue: Number(row.score) }));
  }

  async topRated(category: string | null, first: number): Promise<SearchHit[]> {
    // `id`, not gig_id: the order's tie-break is the uuid column, not the text (see page()).
    const rows = await this.db.$queryRawUnsafe<{ id: string; rating_average: number }[]>(
      `SELECT gig_id::text AS id, rating_average FROM gig_search_documents
      WHERE active AND rating_count > 0
        AND ($1::text IS NULL OR category = $1::text OR sub_category = $1::text)
      ORDER BY rating_average DESC, rating_count DESC, gig_id ASC
      LIMIT $2::int`,
      category,
      first,
    );
    return rows.map((row) => ({ gigId: row.id, sortValue: Number(row.rating_average) }));
  }

  async upsert(documents: readonly GigDocument[]): Promise<void> {
    if (documents.length === 0) return;
    await this.write(this.db, documents, true);
  }

  private async write(db: SqlClient, documents: readonly GigDocument[], versioned: boolean) {
    // One statement: the features are written exactly when the document is (not when a newer
    // version is already stored), so the two tables never disagree.
    await db.$executeRawUnsafe(
      `WITH r AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS ${RECORD_TYPE}),
      written AS (
        INSERT INTO gig_search_documents AS s (${DOCUMENT_COLUMNS})
        SELECT r.gig_id, r.category, r.sub_category, r.price_cents, r.delivery_days, r.active,
          r.rating_count, r.rating_average, r.created_at, r.version, ${DOCUMENT_VECTOR}
        FROM r
        ON CONFLICT (gig_id) DO UPDATE SET
          category = EXCLUDED.category, sub_category = EXCLUDED.sub_category,
          price_cents = EXCLUDED.price_cents, delivery_days = EXCLUDED.delivery_days,
          active = EXCLUDED.active, rating_count = EXCLUDED.rating_count,
          rating_average = EXCLUDED.rating_average, created_at = EXCLUDED.created_at,
          version = EXCLUDED.version, document = EXCLUDED.document
        ${versioned ? 'WHERE s.version <= EXCLUDED.version' : ''}
        RETURNING gig_id
      )
      INSERT INTO gig_similarity_features AS f (gig_id, title, tags)
      SELECT r.gig_id, r.title, r.tags FROM r JOIN written USING (gig_id)
      ON CONFLICT (gig_id) DO UPDATE SET title = EXCLUDED.title, tags = EXCLUDED.tags`,
      recordsJson(documents),
    );
    const terms = [...new Set(documents.flatMap((doc) => vocabularyWords(doc.title, doc.tags)))];
    await db.$executeRawUnsafe(
      `INSERT INTO search_terms (term) SELECT unnest($1::text[]) ORDER BY 1
      ON CONFLICT (term) DO UPDATE SET count = search_terms.count + 1`,
      terms,
    );
  }

  async remove(gigId: string, version: number): Promise<void> {
    await this.db.$executeRawUnsafe(
      'DELETE FROM gig_search_documents WHERE gig_id = $1::uuid AND version <= $2::int',
      gigId,
      version,
    );
  }

  async rebuild(batches: AsyncIterable<readonly GigDocument[]>): Promise<{ documents: number }> {
    // One transaction: readers see the old table until the new contents commit.
    return this.db.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe('DELETE FROM gig_search_documents');
        await tx.$executeRawUnsafe('DELETE FROM search_terms');
        let documents = 0;
        for await (const batch of batches) {
          if (batch.length === 0) continue;
          await this.write(tx, batch, false);
          documents += batch.length;
        }
        return { documents };
      },
      { timeout: 30 * 60_000, maxWait: 10_000 },
    );
  }

  async check(): Promise<void> {
    await this.db.$queryRawUnsafe('SELECT 1 FROM gig_search_documents LIMIT 1');
  }

  async close(): Promise<void> {
    // The Prisma client belongs to the service, which closes it.
  }
}
