import {
  GraphQLError,
  getNamedType,
  isEnumType,
  isListType,
  isNonNullType,
  isAbstractType,
  isObjectType,
  isScalarType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

/**
 * Deterministic values of the synthetic subgraphs: every value is a function of a hash of
 * (type name, object identity, field, arguments), so two runs, two gateways and two subgraphs
 * asked about the same entity key all see the same value. An object is carried as a `SyntheticNode`:
 * entities are identified by their key (`id`), value types by the path that reached them.
 */
export interface SyntheticNode {
  __typename: string;
  /** The entity's key value, or a value type's hashed path. */
  __id: string;
  [field: string]: unknown;
}

/** Codes of the errors the subgraphs throw (some of Jobber's own, some Apollo's). */
const ERROR_CODES = [
  'NOT_FOUND',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
];

/** Out of 1,000 per field: how often a field throws, a nullable field is null, a non-null one is. */
export const FATES = { throws: 20, nullableNull: 90, nonNullNull: 12, missingEntity: 60 } as const;

/** 32-bit FNV-1a with a murmur finaliser: fast, stable, well spread. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** JSON with object keys sorted: the same arguments in any order hash alike. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
}

/** How many distinct entities of a type exist: small, so that fetches repeat representations. */
const ENTITIES_PER_TYPE = 40;
const WORDS = [
  'alpha',
  'bravo',
  'cedar',
  'delta',
  'ember',
  'fjord',
  'grove',
  'harbor',
  'iris',
  'jade',
];

export class SyntheticData {
  constructor(
    private readonly schema: GraphQLSchema,
    /** Entity type names of this subgraph (those with a @key). */
    private readonly entityTypes: ReadonlySet<string>,
  ) {}

  /** An entity reference as another subgraph would send it: missing for a share of keys. */
  entity(typename: string, id: string): SyntheticNode | null {
    if (hash(`${typename}|${id}|missing`) % 1000 < FATES.missingEntity) return null;
    return { __typename: typename, __id: id };
  }

  /** The value of `field` of `parent`: maybe an error or null (by the hash), else generated. */
  field(
    parent: SyntheticNode,
    field: string,
    args: Record<string, unknown>,
    type: GraphQLOutputType,
  ): unknown {
    if (field === 'id' && this.entityTypes.has(parent.__typename)) return parent.__id;
    const seed = `${parent.__typename}|${parent.__id}|${field}|${stableJson(args)}`;
    const fate = hash(`${seed}|fate`) % 1000;
    if (fate < FATES.throws) throw failure(seed, `${parent.__typename}.${field}`);
    const nullShare = isNonNullType(type) ? FATES.nonNullNull : FATES.nullableNull;
    if (fate < FATES.throws + nullShare) return null;
    return this.value(isNonNullType(type) ? type.ofType : type, seed);
  }

  private value(type: GraphQLOutputType, seed: string): unknown {
    if (isNonNullType(type)) return this.value(type.ofType, seed);
    if (isListType(type)) {
      const length = hash(`${seed}|length`) % 5;
      const itemType = type.ofType as GraphQLOutputType;
      return Array.from({ length }, (_, index) => {
        const itemSeed = `${seed}|${index}`;
        const fate = hash(`${itemSeed}|fate`) % 1000;
        // graphql-js completes a returned Error as an error at the item's path.
        if (fate < FATES.throws / 2) return failure(itemSeed, 'a list item');
        const nullShare = isNonNullType(itemType) ? FATES.nonNullNull : FATES.nullableNull;
        if (fate < FATES.throws / 2 + nullShare / 2) return null;
        return this.value(itemType, itemSeed);
      });
    }
    const named = getNamedType(type);
    const h = hash(seed);
    if (isEnumType(named)) {
      const values = named.getValues();
      return values[h % values.length]?.value;
    }
    if (isScalarType(named)) return scalar(named.name, h);
    const typename = isAbstractType(named)
      ? pick(this.schema.getPossibleTypes(named), h).name
      : isObjectType(named)
        ? named.name
        : '';
    if (this.entityTypes.has(typename))
      return { __typename: typename, __id: `${typename}-${h % ENTITIES_PER_TYPE}` };
    return { __typename: typename, __id: h.toString(36) };
  }
}

function failure(seed: string, what: string): GraphQLError {
  const code = ERROR_CODES[hash(`${seed}|code`) % ERROR_CODES.length] ?? 'INTERNAL_SERVER_ERROR';
  return new GraphQLError(`synthetic failure of ${what}`, { extensions: { code } });
}

function pick<T>(items: readonly T[], h: number): T {
  const item = items[h % items.length];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function scalar(name: string, h: number): unknown {
  switch (name) {
    case 'Int':
    case 'SafeInt':
      return h % 1000;
    case 'Float':
      return (h % 100_000) / 100;
    case 'Boolean':
      return (h & 1) === 1;
    case 'DateTime':
      return new Date(Date.UTC(2026, 0, 1) + (h % 31_536_000) * 1000).toISOString();
    case 'ID':
      return `id-${h.toString(36)}`;
    default:
      return `${pick(WORDS, h)} ${pick(WORDS, h >>> 8)} ${h % 100}`;
  }
}
