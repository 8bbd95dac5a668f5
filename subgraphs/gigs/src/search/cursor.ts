import { isUuid } from '@jobber/service-kit';
import { GIG_SORTS, type GigSort, type SearchCursor } from './search-index.js';

/**
 * Search cursors, the same for every SearchIndex: base64url of `<sort>|<sort value>|<gig id>`.
 * A cursor is only valid for the sort that issued it.
 */
export function encodeSearchCursor(cursor: SearchCursor): string {
  return Buffer.from(`${cursor.sort}|${cursor.value}|${cursor.gigId}`, 'utf8').toString(
    'base64url',
  );
}

export function decodeSearchCursor(value: string, sort: GigSort): SearchCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(value)) return null;
  const [cursorSort, number, gigId, ...rest] = Buffer.from(value, 'base64url')
    .toString('utf8')
    .split('|');
  if (rest.length > 0 || cursorSort !== sort || !GIG_SORTS.includes(cursorSort)) return null;
  const parsed = Number(number);
  if (number === undefined || number === '' || !Number.isFinite(parsed)) return null;
  if (gigId === undefined || !isUuid(gigId)) return null;
  return { sort, value: parsed, gigId: gigId.toLowerCase() };
}
