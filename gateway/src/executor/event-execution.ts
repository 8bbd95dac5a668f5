import type { FetchNode } from '@apollo/query-planner';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { GatewayContext, SubgraphDataSource } from '../subgraph-data-source.js';
import type { ReusableCredentials } from './credential-reuse.js';
import { runOperationPlan, type OperationResult, type RunnablePlan } from './operation-run.js';
import { applyAnswer, type PlanExecution } from './plan-execution.js';
import { copyForMerge, type ResultMap } from './result-tree.js';
import { RequestFetches } from './subgraph-call.js';

/** What the events of one client subscription run with on this executor. */
export interface EventRun {
  supergraphSchema: GraphQLSchema;
  sources: ReadonlyMap<string, SubgraphDataSource>;
  context: GatewayContext;
  variables: Record<string, unknown>;
  /** The subscription's primary fetch: what the owning subgraph's event answers. */
  primary: FetchNode;
  /** The rest of the plan (entity fetches of other subgraphs) and the operation's shaper. */
  rest: RunnablePlan;
  credentials: ReusableCredentials;
  fetchDedup: boolean;
  fetchWaves: boolean;
}

/**
 * One subscription event as the client sees it: the event is the primary fetch's answer
 * (applied like any fetch's: its errors at their paths, named after the owner, its output
 * rewrites), the rest of the plan runs over it as a query's plan does, and the operation's
 * shaper builds the response. Each event is one request to the subgraphs of `rest`.
 */
export function executeEvent(
  run: EventRun,
  event: { data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[] },
): Promise<OperationResult> {
  const execution: PlanExecution = {
    supergraphSchema: run.supergraphSchema,
    variableDefinitions: run.rest.variableDefinitions,
    variables: run.variables,
    sources: run.sources,
    fetches: new RequestFetches(run.context, run.credentials, run.fetchDedup),
    dedup: run.fetchDedup,
    errors: [],
  };
  const source = run.sources.get(run.primary.serviceName);
  if (!source) throw new Error(`Couldn't find service with name "${run.primary.serviceName}"`);
  const merged = Object.create(null) as ResultMap;
  // The event's data is shared by every client stream of its upstream stream: merged as a copy.
  const data = event.data ? copyForMerge(event.data) : event.data;
  applyAnswer(
    execution,
    {
      fetch: run.primary,
      source,
      cursor: { path: [], data: merged, fullResult: merged },
      entities: [merged],
      variables: {},
      representations: undefined,
    },
    {
      ...(data !== undefined ? { data } : {}),
      ...(event.errors?.length ? { errors: [...event.errors] } : {}),
    },
  );
  return runOperationPlan(execution, run.rest, merged, run.fetchWaves);
}
