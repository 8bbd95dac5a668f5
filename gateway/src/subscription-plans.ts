import { Supergraph, operationFromDocument, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode } from '@apollo/query-planner';
import { getOperationAST, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { RunnablePlan } from './executor/operation-run.js';
import { shaperOfDocument } from './executor/response-shaper.js';
import { WaveSchedules } from './executor/wave-execution.js';

/**
 * A client subscription's plan: `primary` opens the stream on its owner; `rest.node` (when the
 * operation reaches other subgraphs) runs per event, with the operation's compiled shaper.
 */
export interface SubscriptionPlan {
  primary: FetchNode;
  rest: RunnablePlan;
}

/**
 * The query planner over the supergraph the gateway serves, for subscriptions (stock
 * `@apollo/gateway` refuses them; shared/DESIGN.md §8). Plans are kept in a bounded LRU:
 * planning costs about a millisecond, and the same few operations come back all the time.
 */
export class SubscriptionPlanner {
  /** The graphql-js supergraph schema `executeQueryPlan` takes. */
  readonly supergraphSchema: GraphQLSchema;
  /** The client-facing API schema (federation-internals form, for `executeQueryPlan`). */
  readonly apiSchema: Schema;
  /** The client-facing API schema clients' operations are validated against. */
  readonly schema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly plans = new Map<string, SubscriptionPlan>();

  constructor(
    supergraphSdl: string,
    private readonly maxPlans = 500,
  ) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.apiSchema = supergraph.apiSchema();
    this.schema = this.apiSchema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
  }

  /** The plan of a validated subscription document (keyed by its text and operation name). */
  plan(document: DocumentNode, text: string, operationName: string | undefined): SubscriptionPlan {
    const key = `${operationName ?? ''}\n${text}`;
    const cached = this.plans.get(key);
    if (cached) {
      this.plans.delete(key);
      this.plans.set(key, cached);
      return cached;
    }
    const operation = operationFromDocument(this.apiSchema, document, { operationName });
    const node = this.planner.buildQueryPlan(operation).node;
    if (node?.kind !== 'Subscription') throw new Error('the operation is not a subscription');
    const definition = getOperationAST(document, operationName);
    if (!definition) throw new Error('no operation to plan');
    const plan: SubscriptionPlan = {
      primary: node.primary,
      rest: {
        node: node.rest,
        variableDefinitions: operation.variableDefinitions,
        shaper: shaperOfDocument(this.schema, document, definition),
        waves: node.rest ? new WaveSchedules(node.rest) : undefined,
      },
    };
    this.plans.set(key, plan);
    if (this.plans.size > this.maxPlans) {
      const oldest = this.plans.keys().next().value;
      if (oldest !== undefined) this.plans.delete(oldest);
    }
    return plan;
  }
}
