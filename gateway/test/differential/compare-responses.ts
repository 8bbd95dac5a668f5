import type { Response } from './gateway-pair.js';

/** One operation of the corpus, ready to send. */
export interface CorpusOperation {
  /** Where it comes from: `sellers.graphql SellersPage`, `random #17`. */
  label: string;
  query: string;
  variables: Record<string, unknown>;
}

export interface Difference {
  operation: CorpusOperation;
  /** Where the two first part (a JSON path into the response), and why. */
  where: string;
  tested: Response;
  reference: Response;
}

/**
 * Equal responses: `data` deep-equal, errors equal as sets of {message, path, extensions.code}.
 * Null when equal, else where they part. An object's key order is not compared: where fields
 * of one response object are merged from several selections of the same key, stock Apollo
 * orders them otherwise than the spec's CollectFields (random #614 of seed 20261203: `pageInfo`
 * selected four times, Apollo answers endCursor, startCursor, …, hasNextPage; jobber in order of
 * first appearance, as the spec does), so exact order would hold jobber to Apollo's deviation
 * (docs/2026-12-03-gateway-differential-test.md).
 */
export function firstDifference(tested: Response, reference: Response): string | null {
  const dataPath = firstDataDifference(tested.data, reference.data, []);
  if (dataPath) return dataPath;
  const testedErrors = errorSet(tested);
  const referenceErrors = errorSet(reference);
  const onlyTested = testedErrors.filter((error) => !referenceErrors.includes(error));
  const onlyReference = referenceErrors.filter((error) => !testedErrors.includes(error));
  if (onlyTested.length || onlyReference.length)
    return `errors: only in tested ${JSON.stringify(onlyTested)}; only in reference ${JSON.stringify(onlyReference)}`;
  return null;
}

function errorSet(response: Response): string[] {
  const errors = (response.errors ?? []).map((error) =>
    JSON.stringify({
      message: error.message,
      path: error.path ?? null,
      code: error.extensions?.code ?? null,
    }),
  );
  return [...new Set(errors)].sort();
}

function firstDataDifference(a: unknown, b: unknown, path: (string | number)[]): string | null {
  const at = `data${path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`)).join('')}`;
  if (a === b) return null;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object')
    return `${at}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
  if (Array.isArray(a) !== Array.isArray(b)) return `${at}: list ≠ object`;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at}: ${a.length} items ≠ ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const found = firstDataDifference(a[i], b[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  const aKeys = Object.keys(a).sort();
  const bKeys = Object.keys(b).sort();
  if (aKeys.join(',') !== bKeys.join(','))
    return `${at}: keys ${aKeys.join(',')} ≠ ${bKeys.join(',')}`;
  for (const key of aKeys) {
    const found = firstDataDifference(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      [...path, key],
    );
    if (found) return found;
  }
  return null;
}

/** A difference as the failure message and FINDINGS file show it. */
export function describeDifference(difference: Difference, limit = 4_000): string {
  const show = (response: Response) => JSON.stringify(response).slice(0, limit);
  return [
    `### ${difference.operation.label}`,
    `where: ${difference.where}`,
    '```graphql',
    difference.operation.query,
    '```',
    `variables: ${JSON.stringify(difference.operation.variables)}`,
    `tested:    ${show(difference.tested)}`,
    `reference: ${show(difference.reference)}`,
  ].join('\n');
}
