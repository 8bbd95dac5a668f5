import { isAbstractType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import type { FetchDataRewrite, ResponsePath } from '@apollo/query-planner';

/** A node of the merged result tree: subgraph answers as parsed JSON. */
export type ResultMap = Record<string, unknown>;

/** Where a plan node works: its path in the response, the value(s) there, and the whole tree. */
export interface Cursor {
  path: ResponsePath;
  data: ResultMap | ResultMap[];
  fullResult: ResultMap;
}

// The result tree's operations, with the semantics of @apollo/gateway 2.14's executeQueryPlan.ts
// and dataRewrites.ts: flattening a path into the entities there, deep merging answers into
// them, copying an answer for a second entity, and the data rewrites of a fetch.

export function flattenAtPath(
  value: unknown,
  path: ResponsePath,
): Cursor['data'] | null | undefined {
  if (!path.includes('@')) return walkFrom(value, path, 0) as Cursor['data'] | null | undefined;
  const flat: ResultMap[] = [];
  collectAt(value, path, 0, flat);
  return flat;
}

/** The value at path[at…] (no `@` left in it). */
function walkFrom(value: unknown, path: ResponsePath, at: number): unknown {
  let current = value;
  for (let i = at; i < path.length; i++) {
    if (current === undefined || current === null) return current;
    const step = path[i];
    if (typeof step !== 'string') throw new Error(`Unexpected ${typeof step} found in path`);
    if (Array.isArray(current))
      throw new Error(`Unexpected array in result for path element ${step}`);
    const record = current as ResultMap;
    current = Object.hasOwn(record, step) ? record[step] : undefined;
  }
  return current;
}

/** Pushes what flattening path[at…] of value gives into `into` (the path holds an `@`). */
function collectAt(value: unknown, path: ResponsePath, at: number, into: unknown[]): void {
  let current = value;
  for (let i = at; i < path.length; i++) {
    if (current === undefined || current === null) {
      into.push(current);
      return;
    }
    const step = path[i];
    if (step === '@') {
      for (const element of current as unknown[]) collectAt(element, path, i + 1, into);
      return;
    }
    if (typeof step !== 'string') throw new Error(`Unexpected ${typeof step} found in path`);
    if (Array.isArray(current))
      throw new Error(`Unexpected array in result for path element ${step}`);
    const record = current as ResultMap;
    current = Object.hasOwn(record, step) ? record[step] : undefined;
  }
  if (Array.isArray(current)) for (const item of current as unknown[]) into.push(item);
  else into.push(current);
}

/** @apollo/gateway's deepMerge: objects merge, equal-length arrays merge by index, else replace. */
export function deepMerge(target: unknown, source: unknown): unknown {
  if (source === undefined || source === null) return target;
  const into = target as ResultMap;
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    const value = (source as ResultMap)[key];
    if (value === undefined) continue;
    defineOwn(into, key);
    const existing = into[key];
    if (existing && isObject(value)) {
      deepMerge(existing, value);
    } else if (
      Array.isArray(value) &&
      Array.isArray(existing) &&
      value.length === existing.length
    ) {
      for (let i = 0; i < value.length; i++) {
        if (isObject(existing[i]) && isObject(value[i])) deepMerge(existing[i], value[i]);
        else existing[i] = value[i];
      }
    } else {
      into[key] = value;
    }
  }
  return target;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function defineOwn(obj: object, key: string): void {
  if (!Object.hasOwn(obj, key) && key in obj)
    Object.defineProperty(obj, key, {
      configurable: true,
      enumerable: true,
      value: undefined,
      writable: true,
    });
}

/** dataRewrites.ts: ValueSetter / KeyRenamer at a path with `... on T` steps. */
export function applyRewrites(
  schema: GraphQLSchema,
  rewrites: FetchDataRewrite[] | undefined,
  value: ResultMap,
): void {
  for (const rewrite of rewrites ?? []) {
    const last = rewrite.path[rewrite.path.length - 1];
    if (last === undefined) continue;
    if (last.startsWith('... on '))
      throw new Error(`Unexpected fragment as last element of ${rewrite.path.join(',')}`);
    applyAtPath(schema, rewrite.path.slice(0, -1), value, (obj) => {
      if (rewrite.kind === 'ValueSetter') {
        defineOwn(obj, last);
        obj[last] = rewrite.setValueTo;
      } else {
        const found = Object.hasOwn(obj, last) ? obj[last] : undefined;
        if (found) {
          defineOwn(obj, rewrite.renameKeyTo);
          obj[rewrite.renameKeyTo] = found;
          obj[last] = undefined;
        }
      }
    });
  }
}

function applyAtPath(
  schema: GraphQLSchema,
  path: string[],
  value: unknown,
  apply: (obj: ResultMap) => void,
): void {
  if (Array.isArray(value)) {
    for (const item of value) applyAtPath(schema, path, item, apply);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as ResultMap;
  if (path.length === 0) return apply(record);
  const [first = '', ...rest] = path;
  if (first.startsWith('... on ')) {
    if (isObjectOfType(schema, record, first.slice('... on '.length), true))
      applyAtPath(schema, rest, record, apply);
  } else {
    applyAtPath(schema, rest, Object.hasOwn(record, first) ? record[first] : undefined, apply);
  }
}

export function isObjectOfType(
  schema: GraphQLSchema,
  obj: ResultMap,
  typeCondition: string,
  defaultOnUnknown = false,
): boolean {
  const typename = obj['__typename'];
  if (typeof typename !== 'string' || !typename) return defaultOnUnknown;
  if (typeCondition === typename) return true;
  const type = schema.getType(typename);
  const condition = schema.getType(typeCondition);
  if (!type || !condition || !isAbstractType(condition)) return false;
  return (isObjectType(type) || isInterfaceType(type)) && schema.isSubType(condition, type);
}

/** A copy of a subgraph's answer (plain JSON) for merging into a second entity. */
export function copyForMerge(answer: ResultMap): ResultMap {
  let nested = false;
  for (const key in answer) {
    const value = answer[key];
    if (typeof value === 'object' && value !== null) {
      nested = true;
      break;
    }
  }
  // deepMerge copies the values of a flat answer, so it can be merged again as it is.
  return nested ? (copyJson(answer) as ResultMap) : answer;
}

function copyJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson);
  const copy: ResultMap = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = copyJson((value as ResultMap)[key]);
    // JSON.parse makes `__proto__` an own key; an assignment would set the prototype instead.
    if (key === '__proto__')
      Object.defineProperty(copy, key, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else copy[key] = item;
  }
  return copy;
}
