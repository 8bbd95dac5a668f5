import { executeQueryPlan, type GraphQLDataSource } from '@apollo/gateway';
import type { QueryPlan } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { maskError, type Logger } from '@jobber/service-kit';
import type { ReusableCredentials } from './executor/credential-reuse.js';
import { executeEvent } from './executor/event-execution.js';
import type { GatewayContext, SubgraphDataSource } from './subgraph-data-source.js';
import type { SubscriptionPlan, SubscriptionPlanner } from './subscription-plans.js';
import type { UpstreamEvent } from './upstream-subscriptions.js';

/** The data source that "fetches" the event in hand: the plan's primary fetch, per event. */
const EVENT_SOURCE = '__jobber_subscription_event';

/** Who resolves the events: our executor (GATEWAY_EXECUTOR=jobber) or stock execution. */
export type EventExecutor =
  | {
      kind: 'jobber';
      credentials: ReusableCredentials;
      fetchDedup: boolean;
      fetchWaves: boolean;
    }
  | { kind: 'apollo' };

/** What one client subscription's events are resolved with. */
export interface EventExecution {
  planner: SubscriptionPlanner;
  plan: SubscriptionPlan;
  executor: EventExecutor;
  operationContext: Parameters<typeof executeQueryPlan>[3];
  request: { query: string; operationName?: string; variables: Record<string, unknown> };
  sources: () => ReadonlyMap<string, SubgraphDataSource>;
  context: GatewayContext;
  logger: Logger;
}

/**
 * One event as the client sees it: the rest of the plan run over the event's data, then shaped
 * for the operation (aliases, fragments, `__typename`, `@include`; the key fields the planner
 * added stripped). Errors are masked as on HTTP (shared/DESIGN.md §8).
 */
export async function resolveEvent(
  execution: EventExecution,
  event: UpstreamEvent,
): Promise<ExecutionResult> {
  const { executor } = execution;
  if (executor.kind === 'apollo') return resolveOnStock(execution, event);
  const result = await executeEvent(
    {
      supergraphSchema: execution.planner.supergraphSchema,
      sources: execution.sources(),
      context: execution.context,
      variables: execution.request.variables,
      primary: execution.plan.primary,
      rest: execution.plan.rest,
      credentials: executor.credentials,
      fetchDedup: executor.fetchDedup,
      fetchWaves: executor.fetchWaves,
    },
    event,
  );
  return {
    ...(result.data !== undefined ? { data: result.data } : {}),
    ...(result.errors?.length
      ? { errors: sendable(result.errors.map((error) => masked(error))) }
      : {}),
  } as ExecutionResult;
}

/**
 * One event on stock execution: `executeQueryPlan` takes neither a Subscription node nor
 * seed data, so it runs `Sequence[primary, rest]` with the primary fetch answered by a copy of
 * the event (merging mutates it). The gateway's own result shaping then handles aliases,
 * fragments, `__typename` and `@include`, and strips the key fields the planner added. Errors
 * are renamed to the owning subgraph and masked as on HTTP (shared/DESIGN.md §8).
 */
async function resolveOnStock(
  execution: EventExecution,
  event: UpstreamEvent,
): Promise<ExecutionResult> {
  const { plan, planner } = execution;
  const owner = plan.primary.serviceName;
  const primary = { ...plan.primary, serviceName: EVENT_SOURCE };
  const queryPlan: QueryPlan = {
    kind: 'QueryPlan',
    node: plan.rest.node ? { kind: 'Sequence', nodes: [primary, plan.rest.node] } : primary,
  };
  const eventSource: GraphQLDataSource = {
    process: () =>
      Promise.resolve({
        data: event.data ? structuredClone(event.data) : null,
        ...(event.errors?.length ? { errors: structuredClone([...event.errors]) } : {}),
      }),
  };
  const requestContext = {
    request: execution.request,
    context: execution.context,
    // Must be an object, or any subgraph error adds a spurious one (DESIGN §8).
    metrics: {},
    logger: execution.logger,
    operationName: execution.request.operationName ?? null,
  } as unknown as GatewayGraphQLRequestContext<GatewayContext>;
  const result = await executeQueryPlan(
    queryPlan,
    { ...Object.fromEntries(execution.sources()), [EVENT_SOURCE]: eventSource },
    requestContext,
    execution.operationContext,
    planner.supergraphSchema,
    planner.apiSchema,
  );
  return {
    ...(result.data !== undefined ? { data: result.data } : {}),
    ...(result.errors?.length
      ? { errors: sendable(result.errors.map((error) => masked(renamed(error, owner)))) }
      : {}),
  } as ExecutionResult;
}

/** Masked errors as graphql-ws sends them (it calls `toJSON` on each): the mask is kept. */
export function sendable(errors: readonly GraphQLFormattedError[]): GraphQLError[] {
  return errors.map(
    (error) =>
      new GraphQLError(error.message, {
        ...(error.path ? { path: error.path } : {}),
        ...(error.extensions ? { extensions: error.extensions } : {}),
      }),
  );
}

function renamed(error: GraphQLError, owner: string): GraphQLError {
  const extensions = { ...error.extensions };
  if (extensions['serviceName'] === EVENT_SOURCE) extensions['serviceName'] = owner;
  return new GraphQLError(error.message.replaceAll(EVENT_SOURCE, owner), {
    ...(error.path ? { path: error.path } : {}),
    originalError: error.originalError ?? undefined,
    extensions,
  });
}

/** As on HTTP: codes the client may see are kept, everything else is an internal error. */
export function masked(error: GraphQLError): GraphQLFormattedError {
  return maskError(error.toJSON(), error);
}
