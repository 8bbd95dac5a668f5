import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import {
  evaluateCondition,
  type FetchNode,
  type PlanNode,
  type ResponsePath,
} from '@apollo/query-planner';
import type { VariableDefinitions } from '@apollo/federation-internals';
import type { SubgraphDataSource } from '../subgraph-data-source.js';
import { collectRepresentations, type Representations } from './representations.js';
import {
  applyRewrites,
  copyForMerge,
  deepMerge,
  flattenAtPath,
  type Cursor,
  type ResultMap,
} from './result-tree.js';
import type { RequestFetches, SubgraphAnswer } from './subgraph-call.js';

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
  const prepared = prepareFetch(execution, fetch, cursor);
  if (prepared) await sendPrepared(execution, prepared);
}

/** Sends a prepared fetch on its own and applies its answer (throws what the fetch fails with). */
export async function sendPrepared(
  execution: PlanExecution,
  prepared: PreparedFetch,
): Promise<void> {
  const { fetch } = prepared;
  const answer = await execution.fetches.send(
    prepared.source,
    fetch.operation,
    prepared.variables,
    fetch.operationName,
    execution.dedup && fetch.operationKind === 'query',
  );
  applyAnswer(execution, prepared, answer);
}

/** A fetch ready to send: its subgraph, the entities it answers for and its variables. */
export interface PreparedFetch {
  fetch: FetchNode;
  source: SubgraphDataSource;
  cursor: Cursor;
  entities: ResultMap[];
  /** The operation's variables; `representations` included for an entity fetch. */
  variables: Record<string, unknown>;
  /** An entity fetch's representations, each distinct one once. */
  representations: Representations | undefined;
}

/** The fetch at the cursor, or undefined when it has nothing to fetch (no entities there). */
export function prepareFetch(
  execution: PlanExecution,
  fetch: FetchNode,
  cursor: Cursor,
): PreparedFetch | undefined {
  const source = execution.sources.get(fetch.serviceName);
  if (!source) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const entities = Array.isArray(cursor.data)
    ? cursor.data.filter((entity) => entity !== null && entity !== undefined)
    : [cursor.data];
  if (entities.length < 1) return undefined;

  const variables = Object.create(null) as Record<string, unknown>;
  for (const name of fetch.variableUsages ?? []) {
    const value = Object.hasOwn(execution.variables, name) ? execution.variables[name] : undefined;
    if (value !== undefined) variables[name] = value;
  }
  if (!fetch.requires)
    return { fetch, source, cursor, entities, variables, representations: undefined };

  // Deduplicated per fetch: equal representations are sent once and merged into each entity.
  const representations = collectRepresentations(execution.supergraphSchema, fetch, entities);
  if (representations.sent.length < 1) return undefined;
  if ('representations' in variables)
    throw new Error(`Variables cannot contain key "representations"`);
  variables['representations'] = representations.sent;
  return { fetch, source, cursor, entities, variables, representations };
}

/** A subgraph's answer to a prepared fetch: its errors reported, its data merged into the tree. */
export function applyAnswer(
  execution: PlanExecution,
  prepared: PreparedFetch,
  answer: SubgraphAnswer,
): void {
  const { fetch, cursor, entities, representations } = prepared;
  if (answer.errors) {
    const paths = lazyErrorPaths(fetch, cursor, representations?.sentIndex);
    for (const error of answer.errors)
      execution.errors.push(
        ...paths(error).map((path) => downstreamError(error, fetch.serviceName, path)),
      );
  }
  const data = answer.data;
  if (!representations) {
    if (data) applyRewrites(execution.supergraphSchema, fetch.outputRewrites, data);
    for (const entity of entities) deepMerge(entity, data);
    return;
  }
  if (!data) return;
  const received = data['_entities'];
  const { sent, entityIndex, sentIndex } = representations;
  if (!Array.isArray(received))
    throw new Error(`Expected "data._entities" in response to be an array`);
  if (received.length !== sent.length)
    throw new Error(`Expected "data._entities" to contain ${sent.length} elements`);
  const used = new Uint8Array(sent.length);
  for (let i = 0; i < sentIndex.length; i++) {
    const index = sentIndex[i] as number;
    const answerOf = received[index] as ResultMap | null | undefined;
    // Merging mutates the tree: an answer merged into several entities is copied for each after the first.
    const entity = used[index] && answerOf ? copyForMerge(answerOf) : answerOf;
    used[index] = 1;
    const existing = entities[entityIndex[i] as number] as ResultMap;
    if (entity && !entity['__typename']) entity['__typename'] = existing['__typename'];
    if (entity) applyRewrites(execution.supergraphSchema, fetch.outputRewrites, entity);
    deepMerge(existing, entity);
  }
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

export function moveIntoCursor(cursor: Cursor, path: ResponsePath): Cursor | undefined {
  const data = flattenAtPath(cursor.data, path);
  return data ? { path: cursor.path.concat(path), data, fullResult: cursor.fullResult } : undefined;
}
