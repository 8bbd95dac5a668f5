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
  const result: Representations = { sent: [], entityIndex: [], sentIndex: [] };
  const flat = flatRequiresOf(fetch);
  const byValues = new Map<unknown, unknown>();
  const byKey = new Map<string, number>();
  const values: unknown[] = [];
  for (let index = 0; index < entities.length; index++) {
    const entity = entities[index] as ResultMap;
    let sent: number | undefined;
    if (flat && readFlat(schema, entity, flat, values)) {
      let level = byValues;
      for (let i = 0; i < values.length - 1; i++) {
        let next = level.get(values[i]) as Map<unknown, unknown> | undefined;
        if (!next) {
          next = new Map();
          level.set(values[i], next);
        }
        level = next;
      }
      sent = level.get(values[values.length - 1]) as number | undefined;
      if (sent === undefined) {
        const representation = represent(schema, fetch, entity);
        if (!representation) continue;
        sent = result.sent.push(representation) - 1;
        level.set(values[values.length - 1], sent);
      }
    } else if (flat && values.length === 0) {
      continue; // not of the fragment's type, or a field missing: no representation
    } else {
      // Any other requires (nested selections, object values): keyed by the representation's JSON.
      const representation = represent(schema, fetch, entity);
      if (!representation) continue;
      const key = JSON.stringify(representation);
      sent = byKey.get(key);
      if (sent === undefined) {
        sent = result.sent.push(representation) - 1;
        byKey.set(key, sent);
      }
    }
    result.entityIndex.push(index);
    result.sentIndex.push(sent);
  }
  return result;
}

/** An entity's representation with the fetch's input rewrites, or null when it sends none. */
function represent(schema: GraphQLSchema, fetch: FetchNode, entity: ResultMap): ResultMap | null {
  const representation = selectRequired(schema, entity, fetch.requires ?? []);
  if (!representation || !representation['__typename']) return null;
  applyRewrites(schema, fetch.inputRewrites, representation);
  return representation;
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
