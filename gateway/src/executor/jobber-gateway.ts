import { ApolloGateway, type GatewayConfig } from '@apollo/gateway';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { getVariableValues } from 'graphql';
import type { GatewayContext, SubgraphDataSource } from '../subgraph-data-source.js';
import { reportValueCompletion } from '../value-completion.js';
import type { ReusableCredentials } from './credential-reuse.js';
import { OperationPlans } from './operation-plans.js';
import { runOperationPlan } from './operation-run.js';
import type { PlanExecution } from './plan-execution.js';
import { RequestFetches } from './subgraph-call.js';

type Executor = ApolloGateway['executor'];
type ExecutionResult = Awaited<ReturnType<Executor>>;

export interface JobberExecutorOptions {
  /** Internal credentials, signed once per subgraph and caller for a while (credential-reuse.ts). */
  credentials: ReusableCredentials;
  /** The data sources the gateway built, by subgraph (their pools do the fetches). */
  sources: () => ReadonlyMap<string, SubgraphDataSource>;
  /** GATEWAY_FETCH_DEDUP: identical fetches of a query in flight share one answer. */
  fetchDedup: boolean;
  /** GATEWAY_FETCH_WAVES: query plans run in waves, entity fetches merged per subgraph. */
  fetchWaves: boolean;
  maxPlans?: number;
}

/**
 * ApolloGateway with its own query-plan executor (docs/2026-12-03-gateway-executor.md): the
 * supergraph, HTTP, limits, auth, error masking and logging stay Apollo's and ours; plans are
 * cached per operation, run over each subgraph's pool with one credential per request and
 * subgraph, merged into one tree and shaped by a function compiled per operation. Introspection
 * and @defer run on stock execution.
 */
export class JobberGateway extends ApolloGateway {
  private plans: OperationPlans | undefined;

  constructor(
    config: GatewayConfig,
    private readonly options: JobberExecutorOptions,
  ) {
    super(config);
    const stock: Executor = this.executor;
    this.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
      this.plans = new OperationPlans(coreSupergraphSdl, options.maxPlans);
    });
    this.executor = async (requestContext) => {
      const result = await this.execute(requestContext);
      return result ?? reportValueCompletion(await stock(requestContext));
    };
  }

  /** The result, or undefined when this operation runs on stock execution. */
  private async execute(
    requestContext: GatewayGraphQLRequestContext,
  ): Promise<ExecutionResult | undefined> {
    const { plans, schema } = this;
    const { request, document, operation } = requestContext;
    if (!plans || !schema || !operation) return undefined;
    const variableErrors = operation.variableDefinitions?.length
      ? getVariableValues(schema, operation.variableDefinitions, request.variables ?? {}).errors
      : undefined;
    if (variableErrors?.length) return { errors: variableErrors };
    const operationName = request.operationName ?? undefined;
    const plan = plans.plan(
      `${operationName ?? ''}\n${requestContext.queryHash}`,
      document,
      operation,
      operationName,
    );
    if (plan.kind === 'stock') return undefined;

    const variables = request.variables ?? {};
    const execution: PlanExecution = {
      supergraphSchema: plans.supergraphSchema,
      variableDefinitions: plan.variableDefinitions,
      variables,
      sources: this.options.sources(),
      fetches: new RequestFetches(
        requestContext.context as GatewayContext,
        this.options.credentials,
        this.options.fetchDedup,
      ),
      dedup: this.options.fetchDedup,
      errors: [],
    };
    return runOperationPlan(
      execution,
      plan,
      Object.create(null) as Record<string, unknown>,
      this.options.fetchWaves,
    );
  }
}
