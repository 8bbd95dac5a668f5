import type { GraphQLFormattedError } from 'graphql';
import { evaluateCondition, type ConditionNode, type PlanNode } from '@apollo/query-planner';
import type { VariableDefinitions } from '@apollo/federation-internals';
import { planFetchWaves, type FetchWaves, type WaveFetch } from './fetch-waves.js';
import { mergeEntityFetches, type MergedOperation } from './merged-operations.js';
import {
  applyAnswer,
  moveIntoCursor,
  prepareFetch,
  sendPrepared,
  type PlanExecution,
  type PreparedFetch,
} from './plan-execution.js';
import type { Cursor, ResultMap } from './result-tree.js';
import { withMissingEntities, type SubgraphAnswer } from './subgraph-call.js';

/** A plan's waves for one outcome of its Condition nodes, with its merged operations built so far. */
interface Schedule {
  waves: FetchWaves;
  merged: Map<string, MergedOperation | null>;
}

/**
 * The fetch waves of one query plan (fetch-waves.ts), built once per outcome of its Condition
 * nodes (`@skip`/`@include` on variables), or none when the plan runs node by node.
 */
export class WaveSchedules {
  private readonly conditions: ConditionNode[] = [];
  private readonly schedules = new Map<string, Schedule | null>();

  constructor(private readonly node: PlanNode) {
    collectConditions(node, this.conditions);
  }

  /** The schedule for these variables, or null: run the plan with executeNode. */
  for(
    variableDefinitions: VariableDefinitions,
    variables: Record<string, unknown>,
  ): Schedule | null {
    const outcomes = this.conditions.map((condition) =>
      evaluateCondition(condition, variableDefinitions, variables),
    );
    const key = outcomes.map((outcome) => (outcome ? '1' : '0')).join('');
    let schedule = this.schedules.get(key);
    if (schedule === undefined) {
      const waves = planFetchWaves(
        this.node,
        (condition) => outcomes[this.conditions.indexOf(condition)] ?? false,
      );
      schedule = waves ? { waves, merged: new Map() } : null;
      this.schedules.set(key, schedule);
    }
    return schedule;
  }
}

function collectConditions(node: PlanNode, into: ConditionNode[]): void {
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      for (const child of node.nodes) collectConditions(child, into);
      return;
    case 'Flatten':
      return collectConditions(node.node, into);
    case 'Condition':
      into.push(node);
      if (node.ifClause) collectConditions(node.ifClause, into);
      if (node.elseClause) collectConditions(node.elseClause, into);
      return;
    default:
      return;
  }
}

interface WavePart {
  item: WaveFetch;
  prepared: PreparedFetch;
}

/**
 * Runs a query plan wave by wave: each wave's fetches read their entities once every earlier
 * wave is merged, then go out together, the entity fetches to one subgraph as one request.
 * Errors and merging are those of a fetch run on its own (plan-execution.ts).
 */
export async function executeWaves(
  execution: PlanExecution,
  schedule: Schedule,
  root: ResultMap,
): Promise<void> {
  const rootCursor: Cursor = { path: [], data: root, fullResult: root };
  for (const wave of schedule.waves) {
    const sends: Promise<void>[] = [];
    const entityParts = new Map<string, WavePart[]>();
    for (const item of wave) {
      let prepared: PreparedFetch | undefined;
      try {
        const cursor = item.path.length ? moveIntoCursor(rootCursor, item.path) : rootCursor;
        prepared = cursor && prepareFetch(execution, item.fetch, cursor);
      } catch (error) {
        execution.errors.push(error);
      }
      if (!prepared) continue;
      if (!prepared.representations) {
        sends.push(sendAlone(execution, prepared));
        continue;
      }
      const parts = entityParts.get(item.fetch.serviceName);
      if (parts) parts.push({ item, prepared });
      else entityParts.set(item.fetch.serviceName, [{ item, prepared }]);
    }
    for (const parts of entityParts.values()) {
      const merged = parts.length > 1 ? mergedOperation(schedule, parts) : null;
      if (merged) sends.push(sendMerged(execution, parts, merged));
      else for (const { prepared } of parts) sends.push(sendAlone(execution, prepared));
    }
    await Promise.all(sends);
  }
}

function mergedOperation(schedule: Schedule, parts: WavePart[]): MergedOperation | null {
  const key = parts.map(({ item }) => item.id).join(',');
  let merged = schedule.merged.get(key);
  if (merged === undefined) {
    merged = mergeEntityFetches(parts.map(({ prepared }) => prepared.fetch));
    schedule.merged.set(key, merged);
  }
  return merged;
}

async function sendAlone(execution: PlanExecution, prepared: PreparedFetch): Promise<void> {
  try {
    await sendPrepared(execution, prepared);
  } catch (error) {
    execution.errors.push(error);
  }
}

/** One request for several entity fetches to a subgraph; its answer split back into theirs. */
async function sendMerged(
  execution: PlanExecution,
  parts: WavePart[],
  merged: MergedOperation,
): Promise<void> {
  const variables = Object.create(null) as Record<string, unknown>;
  parts.forEach(({ prepared }, index) => {
    for (const [name, value] of Object.entries(prepared.variables))
      if (name !== 'representations') variables[name] = value;
    variables[merged.representationVariables[index] as string] =
      prepared.variables['representations'];
  });
  const [first] = parts;
  if (!first) return;
  let answer: SubgraphAnswer;
  try {
    answer = await execution.fetches.answer(
      first.prepared.source,
      merged.query,
      variables,
      merged.operationName,
      execution.dedup,
    );
  } catch (error) {
    // As when each fetch had failed on its own.
    for (let i = 0; i < parts.length; i++) execution.errors.push(error);
    return;
  }
  const errorsOf = splitErrors(answer.errors, merged.aliases);
  parts.forEach(({ prepared }, index) => {
    const alias = merged.aliases[index] as string;
    const data = answer.data ? { _entities: answer.data[alias] } : answer.data;
    const errors = errorsOf[index] ?? [];
    const own: SubgraphAnswer = { ...(data !== undefined ? { data } : {}) };
    if (errors.length) own.errors = errors;
    try {
      applyAnswer(
        execution,
        prepared,
        withMissingEntities(
          prepared.source.subgraphName,
          prepared.variables['representations'],
          own,
        ),
      );
    } catch (error) {
      execution.errors.push(error);
    }
  });
}

/**
 * Each part's errors, with the path its own fetch would have had (`_entities…`); an error at no
 * part's alias belongs to every part, as it would have come back to each fetch.
 */
function splitErrors(
  errors: readonly GraphQLFormattedError[] | undefined,
  aliases: readonly string[],
): GraphQLFormattedError[][] {
  const split = aliases.map((): GraphQLFormattedError[] => []);
  for (const error of errors ?? []) {
    const head = error.path?.[0];
    const index = typeof head === 'string' ? aliases.indexOf(head) : -1;
    if (index < 0) {
      for (const own of split) own.push(error);
      continue;
    }
    split[index]?.push({ ...error, path: ['_entities', ...(error.path ?? []).slice(1)] });
  }
  return split;
}
