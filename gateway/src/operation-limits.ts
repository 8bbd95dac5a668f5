/**
 * The operation limits the gateway applies before graphql-js validation and query planning.
 * Defaults are far above what any screen of the product sends (the sellers page at 100 items
 * costs ~1,300 and nests 6 levels); each one is configurable (config.ts, gateway README).
 */
export interface OperationLimits {
  /** Lexical tokens of the query text (comments not counted); also the parser's `maxTokens`. */
  tokens: number;
  /** Nesting of fields outside introspection, fragments counted where they are spread. */
  depth: number;
  /** Nesting of `__schema` / `__type` selections (graphql-js's own introspection query: 13). */
  introspectionDepth: number;
  /** Weighted fields: 1 each, list fields multiply their selection by `first` / `last`. */
  cost: number;
  aliases: number;
  /** Fields at the root of an operation (fragments expanded). */
  rootFields: number;
  directives: number;
  fragmentSpreads: number;
  /** Fields repeating a response name already in the same selection set (validation is quadratic in them). */
  repeatedFields: number;
}

export const defaultOperationLimits: OperationLimits = {
  tokens: 10_000,
  depth: 12,
  introspectionDepth: 20,
  cost: 5_000,
  aliases: 50,
  rootFields: 20,
  directives: 50,
  fragmentSpreads: 200,
  repeatedFields: 100,
};

export type LimitName = keyof OperationLimits;

const describe: Record<LimitName, string> = {
  tokens: 'tokens',
  depth: 'levels of nesting',
  introspectionDepth: 'levels of introspection nesting',
  cost: 'cost points',
  aliases: 'aliases',
  rootFields: 'root fields',
  directives: 'directives',
  fragmentSpreads: 'fragment spreads',
  repeatedFields: 'repeated fields',
};

/** A refusal: answered as 400 `BAD_REQUEST` with `extensions.limit` and `extensions.max`. */
export interface LimitExceeded {
  limit: LimitName;
  max: number;
  /** Absent when counting stopped at the limit (tokens, nesting). */
  actual?: number;
}

export function limitMessage({ limit, max, actual }: LimitExceeded): string {
  const found = actual === undefined ? 'more' : formatCount(actual);
  return `The operation has ${found} ${describe[limit]}; at most ${formatCount(max)} are allowed.`;
}

function formatCount(value: number): string {
  return Number.isFinite(value) && value < 1e15 ? String(Math.round(value)) : 'too many';
}

/** The first limit `measures` exceed, in the order given. */
export function firstExceeded(
  measures: Partial<Record<LimitName, number>>,
  limits: OperationLimits,
): LimitExceeded | undefined {
  for (const [limit, actual] of Object.entries(measures) as [LimitName, number][]) {
    if (actual > limits[limit]) return { limit, max: limits[limit], actual };
  }
  return undefined;
}
