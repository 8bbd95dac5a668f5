import { Supergraph, operationFromDocument, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type PlanNode } from '@apollo/query-planner';
import {
  BREAK,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { BoundedCache } from '../bounded-cache.js';
import type { RunnablePlan } from './operation-run.js';
import { shaperOfDocument } from './response-shaper.js';
import { WaveSchedules } from './wave-execution.js';

/** What one operation runs with, built once: its plan and its compiled response shaper. */
export type OperationPlan =
  | ({ kind: 'jobber' } & RunnablePlan)
  /** Introspection (`__schema`, `__type`) and @defer plans run on stock execution. */
  | { kind: 'stock' };

/**
 * The query planner over the supergraph the gateway serves, and a bounded LRU of operation
 * plans keyed by operation name and text. The variables do not take part in the key: a plan's
 * `@skip`/`@include` on variables are Condition nodes and shaper conditions, evaluated per
 * request (docs/2026-12-03-gateway-executor.md).
 */
export class OperationPlans {
  /** The graphql-js supergraph schema (entity type checks of representations and rewrites). */
  readonly supergraphSchema: GraphQLSchema;
  private readonly apiSchema: Schema;
  /** The client-facing schema, graphql-js form (the shaper's types). */
  private readonly schema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly plans: BoundedCache<OperationPlan>;

  constructor(supergraphSdl: string, maxPlans = 1_000) {
    this.plans = new BoundedCache(maxPlans);
    const supergraph = Supergraph.build(supergraphSdl);
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.apiSchema = supergraph.apiSchema();
    this.schema = this.apiSchema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
  }

  plan(
    key: string,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    operationName: string | undefined,
  ): OperationPlan {
    const cached = this.plans.get(key);
    if (cached) return cached;
    const plan = this.build(document, operation, operationName);
    this.plans.set(key, plan);
    return plan;
  }

  private build(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    operationName: string | undefined,
  ): OperationPlan {
    if (operation.operation === 'subscription' || asksIntrospection(document))
      return { kind: 'stock' };
    const planned = operationFromDocument(this.apiSchema, document, { operationName });
    const node = this.planner.buildQueryPlan(planned).node;
    if (node?.kind === 'Subscription' || (node && hasDefer(node))) return { kind: 'stock' };
    return {
      kind: 'jobber',
      node,
      variableDefinitions: planned.variableDefinitions,
      shaper: shaperOfDocument(this.schema, document, operation),
      waves: node ? new WaveSchedules(node) : undefined,
    };
  }
}

function asksIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(field) {
      if (field.name.value !== '__schema' && field.name.value !== '__type') return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

function hasDefer(node: PlanNode): boolean {
  switch (node.kind) {
    case 'Defer':
      return true;
    case 'Sequence':
    case 'Parallel':
      return node.nodes.some(hasDefer);
    case 'Flatten':
      return hasDefer(node.node);
    case 'Condition':
      return (
        (!!node.ifClause && hasDefer(node.ifClause)) ||
        (!!node.elseClause && hasDefer(node.elseClause))
      );
    case 'Fetch':
      return false;
  }
}
