import { Client, errors as esErrors, type estypes } from '@elastic/elasticsearch';
import { errors } from '@jobber/service-kit';
import { INDEX_MAPPINGS, INDEX_SETTINGS } from './elasticsearch-mapping.js';
import { CATEGORY_FACETS, searchBody, similarBody, topRatedBody } from './elasticsearch-query.js';
import { rebuildIndex } from './elasticsearch-reindex.js';
import type {
  GigDocument,
  SearchHit,
  SearchIndex,
  SearchQuery,
  SearchResult,
} from './search-index.js';

export interface ElasticsearchIndexOptions {
  /** ELASTICSEARCH_URL. */
  url: string;
  /** The alias searches and writes go through; the reindex swaps the index behind it. */
  alias?: string;
  /** Make each write visible to searches before it returns (tests); production leaves it off. */
  refreshOnWrite?: boolean;
  /** Per request; then it fails (a search answers UNAVAILABLE, a consumer retries). */
  requestTimeoutMs?: number;
  now?: () => Date;
}

/** The stored document: the GigDocument without its version (the external version holds it). */
export type GigSource = Omit<GigDocument, 'version' | 'createdAt' | 'updatedAt'> & {
  createdAt: string;
  updatedAt: string;
  indexedAt: string;
};

/** A removed gig: kept with its version so an older upsert cannot bring it back. */
export interface Tombstone {
  gigId: string;
  active: false;
  deleted: true;
  indexedAt: string;
}

export function toSource(document: GigDocument, indexedAt: Date): GigSource {
  const { version: _version, createdAt, updatedAt, ...rest } = document;
  return {
    ...rest,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
    indexedAt: indexedAt.toISOString(),
  };
}

/** The index a fresh cluster starts with; a reindex replaces it with `<alias>-<timestamp>`. */
export function initialIndexName(alias: string): string {
  return `${alias}-initial`;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof esErrors.ResponseError && error.statusCode === 404;
}

function isVersionConflict(error: unknown): boolean {
  return error instanceof esErrors.ResponseError && error.statusCode === 409;
}

function isAlreadyThere(error: unknown): boolean {
  return (
    error instanceof esErrors.ResponseError &&
    error.statusCode === 400 &&
    JSON.stringify(error.body ?? '').includes('resource_already_exists_exception')
  );
}

/** Connection failures, time-outs and the cluster's own 429/5xx are retryable: UNAVAILABLE. */
function searchFailure(error: unknown): Error {
  if (
    error instanceof esErrors.ConnectionError ||
    error instanceof esErrors.TimeoutError ||
    error instanceof esErrors.NoLivingConnectionsError ||
    (error instanceof esErrors.ResponseError &&
      (error.statusCode === 429 || (error.statusCode ?? 0) >= 500))
  ) {
    return errors.unavailable('Search is unavailable right now; please try again shortly.');
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** The first item error of a bulk response that is not a 409 (a newer version already stored). */
export function bulkFailure(response: estypes.BulkResponse): string | null {
  if (!response.errors) return null;
  for (const item of response.items) {
    const result = item.index;
    if (result?.error && result.status !== 409) {
      return `${result._id ?? '?'}: ${result.error.type} ${result.error.reason ?? ''}`.trim();
    }
  }
  return null;
}

/** Bulk `index` lines for `documents`, each with its version as an external version. */
export function bulkLines(
  index: string,
  documents: readonly GigDocument[],
  indexedAt: Date,
): NonNullable<estypes.BulkRequest['operations']> {
  return documents.flatMap((document) => [
    {
      index: {
        _index: index,
        _id: document.gigId,
        version: document.version,
        version_type: 'external_gte' as const,
      },
    },
    toSource(document, indexedAt),
  ]);
}

function sortValue(hit: estypes.SearchHit<unknown>): number {
  const [value] = hit.sort ?? [];
  return typeof value === 'number' ? value : (hit._score ?? 0);
}

function toHits(response: estypes.SearchResponse<unknown>): SearchHit[] {
  return response.hits.hits.map((hit) => ({ gigId: hit._id ?? '', sortValue: sortValue(hit) }));
}

/**
 * Gig search on Elasticsearch (docs/2026-12-02-elasticsearch.md): the mapping and analysers in
 * elasticsearch-mapping.ts, the DSL in elasticsearch-query.ts, the alias-swap rebuild in
 * elasticsearch-reindex.ts. Writes carry the gig's version as an external version, so a late
 * older event is refused by the cluster instead of overwriting a newer document, and a removal
 * is a tombstone that keeps its version.
 */
export class ElasticsearchIndex implements SearchIndex {
  readonly name = 'elasticsearch';
  /** Non-critical: a search outage costs search, not gig pages, mutations or entity fetches. */
  readonly critical = false;
  readonly client: Client;
  readonly alias: string;
  readonly now: () => Date;
  private readonly refresh: 'wait_for' | false;
  private ensured: Promise<void> | null = null;

  constructor(options: ElasticsearchIndexOptions) {
    this.alias = options.alias ?? 'gigs';
    this.refresh = options.refreshOnWrite ? 'wait_for' : false;
    this.now = options.now ?? (() => new Date());
    this.client = new Client({
      node: options.url,
      requestTimeout: options.requestTimeoutMs ?? 5_000,
      maxRetries: 1,
      // Only the configured node is ever contacted.
      sniffOnStart: false,
    });
  }

  /** The alias, created with the initial index when the cluster has none (once per process). */
  ensureIndex(): Promise<void> {
    this.ensured ??= this.createIfMissing().catch((error: unknown) => {
      this.ensured = null;
      throw error;
    });
    return this.ensured;
  }

  private async createIfMissing(): Promise<void> {
    if (await this.client.indices.existsAlias({ name: this.alias })) return;
    try {
      await this.client.indices.create({
        index: initialIndexName(this.alias),
        settings: INDEX_SETTINGS,
        mappings: INDEX_MAPPINGS,
        aliases: { [this.alias]: {} },
      });
    } catch (error) {
      // Another process made it first: the alias is there now.
      if (!isAlreadyThere(error)) throw error;
    }
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    try {
      await this.ensureIndex();
      const response = await this.client.search({ index: this.alias, ...searchBody(query) });
      const hits = toHits(response);
      const aggregate = response.aggregations?.[CATEGORY_FACETS] as
        estypes.AggregationsStringTermsAggregate | undefined;
      const buckets = Array.isArray(aggregate?.buckets) ? aggregate.buckets : [];
      const total = response.hits.total;
      return {
        hits: hits.slice(0, query.first),
        hasNextPage: hits.length > query.first,
        totalCount: typeof total === 'number' ? total : (total?.value ?? 0),
        facets: buckets
          .filter((bucket) => bucket.doc_count > 0)
          .map((bucket) => ({ category: String(bucket.key), count: bucket.doc_count })),
      };
    } catch (error) {
      throw searchFailure(error);
    }
  }

  /** The gig's stored document and the concrete index holding it, when it is active. */
  private async activeDocument(
    gigId: string,
  ): Promise<{ source: GigSource; index: string } | null> {
    try {
      const found = await this.client.get<GigSource | Tombstone>({ index: this.alias, id: gigId });
      const source = found._source;
      return source && source.active && !('deleted' in source)
        ? { source, index: found._index }
        : null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async similar(gigId: string, first: number): Promise<SearchHit[]> {
    try {
      await this.ensureIndex();
      const gig = await this.activeDocument(gigId);
      if (!gig) return [];
      const response = await this.client.search({
        index: this.alias,
        ...similarBody(gig.source, gig.index, first),
      });
      return toHits(response);
    } catch (error) {
      throw searchFailure(error);
    }
  }

  async topRated(category: string | null, first: number): Promise<SearchHit[]> {
    try {
      await this.ensureIndex();
      const response = await this.client.search({
        index: this.alias,
        ...topRatedBody(category, first),
      });
      return toHits(response);
    } catch (error) {
      throw searchFailure(error);
    }
  }

  async upsert(documents: readonly GigDocument[]): Promise<void> {
    if (documents.length === 0) return;
    await this.ensureIndex();
    const response = await this.client.bulk({
      operations: bulkLines(this.alias, documents, this.now()),
      require_alias: true,
      refresh: this.refresh,
    });
    const failure = bulkFailure(response);
    if (failure) throw new Error(`Elasticsearch refused a gig document: ${failure}`);
  }

  async remove(gigId: string, version: number): Promise<void> {
    await this.ensureIndex();
    const tombstone: Tombstone = {
      gigId,
      active: false,
      deleted: true,
      indexedAt: this.now().toISOString(),
    };
    try {
      await this.client.index({
        index: this.alias,
        id: gigId,
        document: tombstone,
        version,
        version_type: 'external_gte',
        require_alias: true,
        refresh: this.refresh,
      });
    } catch (error) {
      // A newer version of this gig is stored: the removal is late, and ignored.
      if (!isVersionConflict(error)) throw error;
    }
  }

  /** The alias-swap rebuild (elasticsearch-reindex.ts); `rebuildIndex` tells what it replaced. */
  async rebuild(batches: AsyncIterable<readonly GigDocument[]>): Promise<{ documents: number }> {
    const { documents } = await rebuildIndex(this, batches);
    return { documents };
  }

  /** Readiness: the cluster answers and is not red. */
  async check(): Promise<void> {
    const health = await this.client.cluster.health();
    if (health.status === 'red') throw new Error('Elasticsearch cluster health is red');
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
