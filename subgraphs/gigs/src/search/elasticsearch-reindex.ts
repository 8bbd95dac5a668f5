import type { estypes } from '@elastic/elasticsearch';
import {
  bulkFailure,
  bulkLines,
  isNotFound,
  type ElasticsearchIndex,
  type GigSource,
  type Tombstone,
} from './elasticsearch-index.js';
import { INDEX_MAPPINGS, INDEX_SETTINGS } from './elasticsearch-mapping.js';
import type { GigDocument } from './search-index.js';

/** `gigs-20261202t131500123z`: index names are lower case, and sort by time. */
export function timestampedIndexName(alias: string, now: Date): string {
  return `${alias}-${now
    .toISOString()
    .replace(/[^0-9TZ]/g, '')
    .toLowerCase()}`;
}

async function currentIndices(
  es: ElasticsearchIndex,
): Promise<{ aliased: string[]; concrete: boolean }> {
  try {
    const aliases = await es.client.indices.getAlias({ name: es.alias });
    return { aliased: Object.keys(aliases), concrete: false };
  } catch (error) {
    if (!isNotFound(error)) throw error;
    // No alias; a concrete index of that name (not made by this adapter) is replaced too.
    return { aliased: [], concrete: await es.client.indices.exists({ index: es.alias }) };
  }
}

/** Copy lines for what the old indices received from events at or after `since`. */
async function writtenSince(
  es: ElasticsearchIndex,
  indices: string[],
  target: string,
  since: Date,
): Promise<NonNullable<estypes.BulkRequest['operations']>> {
  if (indices.length === 0) return [];
  const lines: NonNullable<estypes.BulkRequest['operations']> = [];
  let after: estypes.SortResults | undefined;
  for (;;) {
    const page = await es.client.search<GigSource | Tombstone>({
      index: indices,
      query: { range: { indexedAt: { gte: since.toISOString() } } },
      sort: [{ gigId: { order: 'asc' } }],
      size: 1_000,
      version: true,
      ...(after ? { search_after: after } : {}),
    });
    const hits = page.hits.hits;
    for (const hit of hits) {
      if (!hit._source || hit._version == null) continue;
      lines.push(
        {
          index: {
            _index: target,
            _id: hit._id ?? hit._source.gigId,
            version: hit._version,
            version_type: 'external_gte',
          },
        },
        hit._source,
      );
    }
    if (hits.length < 1_000) return lines;
    after = hits[hits.length - 1]?.sort;
  }
}

/**
 * Rebuilds the index from the gigs table without a gap in search (the reindex command):
 * fill `<alias>-<timestamp>` in bulk with each gig's version, refresh, point the alias at it in
 * one atomic `_aliases` call, copy over what events wrote to the old index meanwhile (by
 * `indexedAt`; versions keep the newer of the two), then delete the old index. A failure before
 * the swap deletes the half-built index and leaves the alias as it was.
 */
export async function rebuildIndex(
  es: ElasticsearchIndex,
  batches: AsyncIterable<readonly GigDocument[]>,
): Promise<{ documents: number; index: string; replaced: string[]; caughtUp: number }> {
  const client = es.client;
  const startedAt = es.now();
  const index = timestampedIndexName(es.alias, startedAt);
  await client.indices.create({
    index,
    settings: { ...INDEX_SETTINGS, refresh_interval: '-1' },
    mappings: INDEX_MAPPINGS,
  });
  let documents = 0;
  let swapped = false;
  try {
    for await (const batch of batches) {
      if (batch.length === 0) continue;
      const response = await client.bulk({ operations: bulkLines(index, batch, startedAt) });
      const failure = bulkFailure(response);
      if (failure) throw new Error(`Reindex into ${index} failed: ${failure}`);
      documents += batch.length;
    }
    await client.indices.putSettings({ index, settings: { refresh_interval: '1s' } });
    await client.indices.refresh({ index });

    const { aliased, concrete } = await currentIndices(es);
    await client.indices.updateAliases({
      actions: [
        { add: { index, alias: es.alias } },
        ...aliased.map((old) => ({ remove: { index: old, alias: es.alias } })),
        ...(concrete ? [{ remove_index: { index: es.alias } }] : []),
      ],
    });
    swapped = true;

    const catchUp = await writtenSince(es, aliased, index, startedAt);
    if (catchUp.length > 0) {
      const response = await client.bulk({ operations: catchUp, refresh: true });
      const failure = bulkFailure(response);
      if (failure) throw new Error(`Reindex catch-up into ${index} failed: ${failure}`);
    }
    if (aliased.length > 0) await client.indices.delete({ index: aliased });
    return { documents, index, replaced: aliased, caughtUp: catchUp.length / 2 };
  } catch (error) {
    if (!swapped) await client.indices.delete({ index }).catch(() => undefined);
    throw error;
  }
}
