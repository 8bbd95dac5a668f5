import type { VariableDefinitions } from '@apollo/federation-internals';
import type { PlanNode } from '@apollo/query-planner';
import { GraphQLError } from 'graphql';
import { executeNode, type PlanExecution } from './plan-execution.js';
import type { ResponseShaper } from './response-shaper.js';
import type { ResultMap } from './result-tree.js';
import { executeWaves, type WaveSchedules } from './wave-execution.js';

/** A plan ready to run: its nodes, its fetch waves and the operation's compiled shaper. */
export interface RunnablePlan {
  node: PlanNode | undefined;
  variableDefinitions: VariableDefinitions;
  shaper: ResponseShaper;
  /** The plan's fetch waves (wave-execution.ts), when it has fetches. */
  waves: WaveSchedules | undefined;
}

/** What the client receives (graphql-js errors, formatted and masked by the caller). */
export interface OperationResult {
  data?: Record<string, unknown> | null | undefined;
  errors?: GraphQLError[];
}

/**
 * Runs `plan` into `merged` (empty for a request; an event's data for a subscription) in waves
 * or node by node, then shapes the tree for the operation. Fetch errors come first; as stock,
 * completion problems are reported only when no fetch failed (value-completion.ts).
 */
export async function runOperationPlan(
  execution: PlanExecution,
  plan: RunnablePlan,
  merged: ResultMap,
  fetchWaves: boolean,
): Promise<OperationResult> {
  const schedule =
    fetchWaves && plan.waves ? plan.waves.for(plan.variableDefinitions, execution.variables) : null;
  if (schedule) await executeWaves(execution, schedule, merged);
  else if (plan.node)
    await executeNode(execution, plan.node, { path: [], data: merged, fullResult: merged });
  const errors = execution.errors as GraphQLError[];
  try {
    const shaped = plan.shaper.shape(merged, execution.variables);
    if (errors.length === 0 && shaped.errors.length > 0)
      return {
        data: shaped.data,
        errors: shaped.errors.map(
          (problem) =>
            new GraphQLError(problem.message, {
              ...(problem.path ? { path: problem.path } : {}),
              originalError: problem,
              extensions: { code: 'INTERNAL_SERVER_ERROR' },
            }),
        ),
      };
    return errors.length === 0 ? { data: shaped.data } : { errors, data: shaped.data };
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error] };
    if (error instanceof Error)
      return { errors: [new GraphQLError(error.message, { originalError: error })] };
    return { errors: [new GraphQLError('Unexpected error during query plan execution')] };
  }
}
