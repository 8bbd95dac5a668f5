import { MAX_PAGE_SIZE, errors, isUuid, type FieldProblem } from '@jobber/service-kit';
import { isKnownCategorySlug } from './categories.js';
import { decodeSearchCursor } from './search/cursor.js';
import type { GigSort, SearchQuery } from './search/search-index.js';

export interface SearchArgs {
  query?: string | null;
  category?: string | null;
  minPrice?: number | null;
  maxPrice?: number | null;
  maxDeliveryDays?: number | null;
  minRating?: number | null;
  sort?: GigSort | null;
  first?: number | null;
  after?: string | null;
}

function pageSize(first: number | null | undefined, problems: FieldProblem[]): number {
  const size = first ?? 20;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    problems.push({ field: 'first', message: `Must be between 1 and ${MAX_PAGE_SIZE}.` });
  }
  return size;
}

/** Checks `searchGigs` arguments (BAD_USER_INPUT naming each field at fault). */
export function searchQuery(args: SearchArgs): SearchQuery {
  const problems: FieldProblem[] = [];
  const text = (args.query ?? '').trim();
  if (text.length > 200) problems.push({ field: 'query', message: 'At most 200 characters.' });
  const category = args.category?.trim() || null;
  if (category && !isKnownCategorySlug(category)) {
    problems.push({ field: 'category', message: 'Not a known category or sub-category.' });
  }
  const nonNegative = (field: string, value: number | null | undefined) => {
    if (value != null && value < 0) problems.push({ field, message: 'Must not be negative.' });
    return value ?? null;
  };
  const minPriceCents = nonNegative('minPrice', args.minPrice);
  const maxPriceCents = nonNegative('maxPrice', args.maxPrice);
  if (minPriceCents !== null && maxPriceCents !== null && minPriceCents > maxPriceCents) {
    problems.push({ field: 'maxPrice', message: 'Must not be below minPrice.' });
  }
  const maxDeliveryDays = nonNegative('maxDeliveryDays', args.maxDeliveryDays);
  const minRating = args.minRating ?? null;
  if (minRating !== null && !(minRating >= 1 && minRating <= 5)) {
    problems.push({ field: 'minRating', message: 'Must be between 1 and 5.' });
  }
  const sort = args.sort ?? 'RELEVANCE';
  const first = pageSize(args.first, problems);
  const after = args.after == null ? null : decodeSearchCursor(args.after, sort);
  if (args.after != null && !after) {
    problems.push({ field: 'after', message: 'Use an endCursor of this search and sort.' });
  }
  if (problems.length > 0) throw errors.badUserInput('The search is not valid.', problems);
  return {
    text,
    category,
    minPriceCents,
    maxPriceCents,
    maxDeliveryDays,
    minRating,
    sort,
    first,
    after,
  };
}

/** `first` of similarGigs/topRatedGigs: 1–100. */
export function listSize(first: number | null | undefined): number {
  const problems: FieldProblem[] = [];
  const size = pageSize(first, problems);
  if (problems.length > 0) throw errors.badUserInput('first is not valid.', problems);
  return size;
}

export { isUuid };
