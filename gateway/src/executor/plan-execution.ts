import {
  GraphQLError,
  Kind,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import {
  evaluateCondition,
  type FetchDataRewrite,
  type FetchNode,
  type PlanNode,
  type QueryPlanFieldNode,
  type QueryPlanSelectionNode,
  type ResponsePath,
} from '@apollo/query-planner';
import type { VariableDefinitions } from '@apollo/federation-internals';
import type { SubgraphDataSource } from '../subgraph-data-source.js';
import type { RequestFetches } from './subgraph-call.js';

type ResultMap = Record<string, unknown>;

interface Cursor {
  path: ResponsePath;
  data: ResultMap | ResultMap[];
  fullResult: ResultMap;
}

/** What one plan's execution needs: @apollo/gateway's ExecutionContext, without tracing. */
export interface PlanExecution {
  supergraphSchema: GraphQLSchema;
  variableDefinitions: VariableDefinitions;
  variables: Record<string, unknown>;
  sources: ReadonlyMap<string, SubgraphDataSource>;
  fetches: RequestFetches;
  /** Identical fetches of a query in flight share one answer (GATEWAY_FETCH_DEDUP). */
  dedup: boolean;
  errors: unknown[];
}

/**
 * Runs a plan's nodes with the semantics of @apollo/gateway's executeQueryPlan.ts: answers are
 * deep-merged into one tree, a failed fetch adds its error and leaves its part of the tree
 * unfilled, subgraph errors are kept with their paths rewritten to the client's.
 */
export async function executeNode(
  execution: PlanExecution,
  node: PlanNode,
  cursor: Cursor | undefined,
): Promise<void> {
  if (!cursor) return;
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await executeNode(execution, child, cursor);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => executeNode(execution, child, cursor)));
      return;
    case 'Flatten':
      return executeNode(execution, node.node, moveIntoCursor(cursor, node.path));
    case 'Fetch':
      try {
        await executeFetch(execution, node, cursor);
      } catch (error) {
        execution.errors.push(error);
      }
      return;
    case 'Condition': {
      const branch = evaluateCondition(node, execution.variableDefinitions, execution.variables)
        ? node.ifClause
        : node.elseClause;
      if (branch) await executeNode(execution, branch, cursor);
      return;
    }
    default:
      // Defer and Subscription never get here: JobberGateway sends them elsewhere.
      throw new Error(`${node.kind} nodes are not executed here`);
  }
}

async function executeFetch(
  execution: PlanExecution,
  fetch: FetchNode,
  cursor: Cursor,
): Promise<void> {
  const source = execution.sources.get(fetch.serviceName);
  if (!source) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const entities = Array.isArray(cursor.data)
    ? cursor.data.filter((entity) => entity !== null && entity !== undefined)
    : [cursor.data];
  if (entities.length < 1) return;

  const variables = Object.create(null) as Record<string, unknown>;
  for (const name of fetch.variableUsages ?? []) {
    const value = Object.hasOwn(execution.variables, name) ? execution.variables[name] : undefined;
    if (value !== undefined) variables[name] = value;
  }

  if (!fetch.requires) {
    const data = await send(execution, source, fetch, cursor, variables);
    if (data) applyRewrites(execution.supergraphSchema, fetch.outputRewrites, data);
    for (const entity of entities) deepMerge(entity, data);
    return;
  }

  const representations: ResultMap[] = [];
  const representationToEntity: number[] = [];
  // Deduplicated per fetch: equal representations are sent once and merged into each entity.
  const byKey = new Map<string, number>();
  const sentIndex: number[] = [];
  entities.forEach((entity, index) => {
    const representation = selectRequired(execution.supergraphSchema, entity, fetch.requires ?? []);
    if (representation && representation['__typename']) {
      applyRewrites(execution.supergraphSchema, fetch.inputRewrites, representation);
      representationToEntity.push(index);
      const key = JSON.stringify(representation);
      let sent = byKey.get(key);
      if (sent === undefined) {
        sent = representations.length;
        byKey.set(key, sent);
        representations.push(representation);
      }
      sentIndex.push(sent);
    }
  });
  if (representations.length < 1) return;
  if ('representations' in variables)
    throw new Error(`Variables cannot contain key "representations"`);

  const data = await send(
    execution,
    source,
    fetch,
    cursor,
    { ...variables, representations },
    sentIndex,
  );
  if (!data) return;
  const received = data['_entities'];
  if (!Array.isArray(received))
    throw new Error(`Expected "data._entities" in response to be an array`);
  if (received.length !== representations.length)
    throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
  const used = new Uint8Array(representations.length);
  for (let i = 0; i < sentIndex.length; i++) {
    const sent = sentIndex[i] as number;
    const answer = received[sent] as ResultMap | null | undefined;
    // Merging mutates the tree: an answer merged into several entities is copied for each after the first.
    const entity = used[sent] && answer ? structuredClone(answer) : answer;
    used[sent] = 1;
    const existing = entities[representationToEntity[i] as number] as ResultMap;
    if (entity && !entity['__typename']) entity['__typename'] = existing['__typename'];
    if (entity) applyRewrites(execution.supergraphSchema, fetch.outputRewrites, entity);
    deepMerge(existing, entity);
  }
}

async function send(
  execution: PlanExecution,
  source: SubgraphDataSource,
  fetch: FetchNode,
  cursor: Cursor,
  variables: Record<string, unknown>,
  sentIndex?: number[],
): Promise<ResultMap | null | undefined> {
  const response = await execution.fetches.send(
    source,
    fetch.operation,
    variables,
    fetch.operationName,
    execution.dedup && fetch.operationKind === 'query',
  );
  if (response.errors) {
    const paths = lazyErrorPaths(fetch, cursor, sentIndex);
    for (const error of response.errors)
      execution.errors.push(
        ...paths(error).map((path) => downstreamError(error, fetch.serviceName, path)),
      );
  }
  return response.data;
}

/**
 * The client's path of a subgraph error (makeLazyErrorPathGenerator): `_entities.i…` becomes the
 * path of the i-th entity sent; with deduplicated representations, of every entity that sent it.
 */
function lazyErrorPaths(
  fetch: FetchNode,
  cursor: Cursor,
  sentIndex: number[] | undefined,
): (error: GraphQLFormattedError) => (ResponsePath | undefined)[] {
  let hydrated: ResponsePath[] | undefined;
  return ({ path }) => {
    if (fetch.requires && typeof path?.[1] === 'number') {
      if (!hydrated) {
        hydrated = [];
        generateHydratedPaths([], cursor.path, cursor.fullResult, hydrated);
      }
      const rest = path.slice(2);
      const sent = path[1];
      // Without deduplication entity i sent representation i (Apollo's own indexing).
      const uses = sentIndex
        ? sentIndex.flatMap((index, i) => (index === sent ? [i] : []))
        : [sent];
      return (uses.length ? uses : [sent]).map((i) => [...(hydrated?.[i] ?? []), ...rest]);
    }
    return [path ? [...cursor.path, ...path] : undefined];
  };
}

function generateHydratedPaths(
  parent: ResponsePath,
  path: ResponsePath,
  data: unknown,
  result: ResponsePath[],
): void {
  const head = path[0];
  if (data === null || data === undefined) return;
  if (head === undefined) {
    result.push(parent.slice());
  } else if (head === '@') {
    if (!Array.isArray(data)) throw new Error('expected array when encountering `@`');
    data.forEach((value: unknown, i) => {
      parent.push(i);
      generateHydratedPaths(parent, path.slice(1), value, result);
      parent.pop();
    });
  } else if (typeof head === 'string') {
    if (Array.isArray(data)) {
      data.forEach((value: unknown, i) => {
        parent.push(i);
        generateHydratedPaths(parent, path, value, result);
        parent.pop();
      });
    } else if (Object.hasOwn(data as object, head)) {
      parent.push(head);
      generateHydratedPaths(parent, path.slice(1), (data as ResultMap)[head], result);
      parent.pop();
    }
  } else {
    throw new Error(`unknown path part "${String(head)}"`);
  }
}

/** downstreamServiceError: the subgraph's error, named after it, DOWNSTREAM_SERVICE_ERROR without a code. */
function downstreamError(
  original: GraphQLFormattedError,
  serviceName: string,
  path: ResponsePath | undefined,
): GraphQLError {
  const message = original.message || `Error while fetching subquery from service "${serviceName}"`;
  const extensions: Record<string, unknown> = { ...original.extensions, serviceName };
  if (!original.extensions?.['code']) extensions['code'] = 'DOWNSTREAM_SERVICE_ERROR';
  return new GraphQLError(message, {
    originalError: original as Error,
    ...(path ? { path } : {}),
    extensions,
  });
}

/** The representation of an entity for a fetch's `requires` (executeSelectionSet). */
function selectRequired(
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

function moveIntoCursor(cursor: Cursor, path: ResponsePath): Cursor | undefined {
  const data = flattenAtPath(cursor.data, path);
  return data ? { path: cursor.path.concat(path), data, fullResult: cursor.fullResult } : undefined;
}

function flattenAtPath(value: unknown, path: ResponsePath): Cursor['data'] | null | undefined {
  if (path.length === 0 || value === undefined || value === null) return value as Cursor['data'];
  const [current, ...rest] = path;
  if (current === '@') {
    return (value as unknown[]).flatMap((element) => flattenAtPath(element, rest)) as ResultMap[];
  }
  if (typeof current !== 'string') throw new Error(`Unexpected ${typeof current} found in path`);
  if (Array.isArray(value))
    throw new Error(`Unexpected array in result for path element ${current}`);
  const record = value as ResultMap;
  return flattenAtPath(Object.hasOwn(record, current) ? record[current] : undefined, rest);
}

/** @apollo/gateway's deepMerge: objects merge, equal-length arrays merge by index, else replace. */
export function deepMerge(target: unknown, source: unknown): unknown {
  if (source === undefined || source === null) return target;
  const into = target as ResultMap;
  for (const key of Object.keys(source)) {
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

function isObjectOfType(
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
