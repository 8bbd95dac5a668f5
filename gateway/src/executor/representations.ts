import { Kind, type GraphQLSchema } from 'graphql';
import type { FetchNode, QueryPlanFieldNode, QueryPlanSelectionNode } from '@apollo/query-planner';
import { applyRewrites, deepMerge, isObjectOfType, type ResultMap } from './result-tree.js';

/** The representation of an entity for a fetch's `requires` (executeSelectionSet). */
export function selectRequired(
  schema: GraphQLSchema,
  source: ResultMap | null,
  selections: QueryPlanSelectionNode[],
): ResultMap | null {
  if (source === null) return null;
  const result = Object.create(null) as ResultMap;
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) {
      const field = selection as QueryPlanFieldNode;
      const responseName = field.alias ?? field.name;
      const value = Object.hasOwn(source, responseName) ? source[responseName] : undefined;
      if (value === undefined) return null;
      const inner = field.selections;
      if (Array.isArray(value)) {
        result[responseName] = value.map((item: unknown) =>
          inner ? selectRequired(schema, item as ResultMap | null, inner) : item,
        );
      } else if (inner) {
        result[responseName] = selectRequired(schema, value as ResultMap | null, inner);
      } else {
        result[responseName] = value;
      }
    } else if (selection.typeCondition && isObjectOfType(schema, source, selection.typeCondition)) {
      deepMerge(result, selectRequired(schema, source, selection.selections));
    }
  }
  return result;
}

/**
 * A string equal for two entities exactly when their representations for `selections` are
 * equal (the walk of selectRequired, writing names and JSON values instead of building objects),
 * or null when the representation would be null or lack `__typename`.
 */
function requiredKey(
  schema: GraphQLSchema,
  source: ResultMap,
  selections: QueryPlanSelectionNode[],
): string | null {
  if (typeof source['__typename'] !== 'string' || !source['__typename']) {
    // Rare: the representation's __typename would come from a fragment or be missing.
    const representation = selectRequired(schema, source, selections);
    return representation && representation['__typename'] ? JSON.stringify(representation) : null;
  }
  return keyOf(schema, source, selections);
}

function keyOf(
  schema: GraphQLSchema,
  source: ResultMap | null,
  selections: QueryPlanSelectionNode[],
): string | null {
  if (source === null) return 'null';
  let key = '{';
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) {
      const field = selection as QueryPlanFieldNode;
      const responseName = field.alias ?? field.name;
      const value = Object.hasOwn(source, responseName) ? source[responseName] : undefined;
      if (value === undefined) return null;
      const inner = field.selections;
      key += JSON.stringify(responseName) + ':';
      if (Array.isArray(value)) {
        key += '[';
        for (const item of value as unknown[]) {
          if (inner) {
            const part = keyOf(schema, item as ResultMap | null, inner);
            key += (part ?? 'null') + ',';
          } else key += JSON.stringify(item) + ',';
        }
        key += ']';
      } else if (inner) {
        key += keyOf(schema, value as ResultMap | null, inner) ?? 'null';
      } else {
        key += JSON.stringify(value);
      }
      key += ',';
    } else if (selection.typeCondition && isObjectOfType(schema, source, selection.typeCondition)) {
      const part = keyOf(schema, source, selection.selections);
      key += '...' + (part ?? 'null') + ',';
    }
  }
  return key + '}';
}

/** The representations one entity fetch sends, each distinct one once. */
export interface Representations {
  /** What is sent, in order. */
  sent: ResultMap[];
  /** For each entity that sends a representation: its index among the fetch's entities … */
  entityIndex: number[];
  /** … and the index in `sent` of its representation. */
  sentIndex: number[];
}

/**
 * A fetch's `requires` when it is one inline fragment of leaf fields (`... on Product { __typename
 * upc }`, the shape of nearly every entity fetch): its representations are deduplicated by their
 * values in nested Maps, without building a key string.
 */
interface FlatRequires {
  typeCondition: string;
  fields: string[];
}

const flatRequires = new WeakMap<FetchNode, FlatRequires | null>();

function flatRequiresOf(fetch: FetchNode): FlatRequires | null {
  let flat = flatRequires.get(fetch);
  if (flat !== undefined) return flat;
  flat = null;
  const [only, ...others] = fetch.requires ?? [];
  if (only && others.length === 0 && only.kind === Kind.INLINE_FRAGMENT && only.typeCondition) {
    const fields: string[] = [];
    for (const selection of only.selections) {
      if (selection.kind !== Kind.FIELD || selection.selections) break;
      fields.push(selection.alias ?? selection.name);
    }
    if (fields.length === only.selections.length && fields.includes('__typename'))
      flat = { typeCondition: only.typeCondition, fields };
  }
  flatRequires.set(fetch, flat);
  return flat;
}

/**
 * The representations of `entities` for an entity fetch (executeSelectionSet over `requires`,
 * then the fetch's `inputRewrites`): entities whose representation is null or has no
 * `__typename` send none; equal representations are sent once.
 */
export function collectRepresentations(
  schema: GraphQLSchema,
  fetch: FetchNode,
  entities: readonly ResultMap[],
): Representations {
  const requires = fetch.requires ?? [];
  const result: Representations = { sent: [], entityIndex: [], sentIndex: [] };
  const flat = flatRequiresOf(fetch);
  const byValues = new Map<unknown, unknown>();
  const byKey = new Map<string, number>();
  const values: unknown[] = [];
  for (let index = 0; index < entities.length; index++) {
    const entity = entities[index] as ResultMap;
    let sent: number | undefined;
    let level: Map<unknown, unknown> | undefined;
    let key: string | null = null;
    if (flat && readFlat(schema, entity, flat, values)) {
      level = byValues;
      for (let i = 0; i < values.length - 1; i++) {
        let next = level.get(values[i]) as Map<unknown, unknown> | undefined;
        if (!next) {
          next = new Map();
          level.set(values[i], next);
        }
        level = next;
      }
      sent = level.get(values[values.length - 1]) as number | undefined;
    } else if (flat && values.length === 0) {
      continue; // not of the fragment's type, or a field missing: no representation
    } else {
      key = requiredKey(schema, entity, requires);
      if (key === null) continue;
      sent = byKey.get(key);
    }
    if (sent === undefined) {
      const representation = selectRequired(schema, entity, requires);
      if (!representation || !representation['__typename']) continue;
      applyRewrites(schema, fetch.inputRewrites, representation);
      sent = result.sent.length;
      result.sent.push(representation);
      if (level) level.set(values[values.length - 1], sent);
      else if (key !== null) byKey.set(key, sent);
    }
    result.entityIndex.push(index);
    result.sentIndex.push(sent);
  }
  return result;
}

/**
 * Reads the flat requires' values of an entity into `values`: true when all are primitives;
 * false with `values` empty when the entity has no representation (another type, a field
 * missing), false with `values` filled when a value is an object (keyed as JSON instead).
 */
function readFlat(
  schema: GraphQLSchema,
  entity: ResultMap,
  flat: FlatRequires,
  values: unknown[],
): boolean {
  values.length = 0;
  const typename = entity['__typename'];
  if (typename !== flat.typeCondition && !isObjectOfType(schema, entity, flat.typeCondition))
    return false;
  let primitive = true;
  for (const field of flat.fields) {
    const value = Object.hasOwn(entity, field) ? entity[field] : undefined;
    if (value === undefined) {
      values.length = 0;
      return false;
    }
    if (typeof value === 'object' && value !== null) primitive = false;
    values.push(value);
  }
  return primitive;
}
