import type { ConditionNode, FetchNode, PlanNode, ResponsePath } from '@apollo/query-planner';

/** One fetch of a plan and the path its Flatten nodes put it at. */
export interface WaveFetch {
  /** Its index in the plan (depth-first order): names it in a merged operation's cache. */
  id: number;
  fetch: FetchNode;
  path: ResponsePath;
}

/**
 * A query plan as waves of fetches (docs/2026-12-04-fetch-waves.md): every fetch of a wave
 * depends only on fetches of earlier waves, so a wave's fetches run together, and its entity
 * fetches to one subgraph go as one request. A fetch nothing depends on is moved to a later
 * wave that already asks its subgraph for entities, when there is one.
 */
export type FetchWaves = WaveFetch[][];

/**
 * The waves of a query plan whose Condition nodes are decided by `condition`, or null for a
 * plan that must run node by node: mutations (their fetches run one after another, in order),
 * @defer and subscriptions.
 */
export function planFetchWaves(
  node: PlanNode,
  condition: (node: ConditionNode) => boolean,
): FetchWaves | null {
  const fetches: (WaveFetch & { after: number[] })[] = [];
  let runsNodeByNode = false;

  // The fetches a node is done with once they are: the `after` of whatever follows it.
  function walk(current: PlanNode, path: ResponsePath, after: number[]): number[] {
    switch (current.kind) {
      case 'Fetch': {
        if (current.operationKind !== 'query') runsNodeByNode = true;
        const id = fetches.length;
        fetches.push({ id, fetch: current, path, after });
        return [id];
      }
      case 'Sequence': {
        let done = after;
        for (const child of current.nodes) done = walk(child, path, done);
        return done;
      }
      case 'Parallel':
        return current.nodes.flatMap((child) => walk(child, path, after));
      case 'Flatten':
        return walk(current.node, [...path, ...current.path], after);
      case 'Condition': {
        const branch = condition(current) ? current.ifClause : current.elseClause;
        return branch ? walk(branch, path, after) : after;
      }
      default:
        runsNodeByNode = true;
        return after;
    }
  }
  walk(node, [], []);
  if (runsNodeByNode) return null;

  // The earliest wave of each fetch: one after the latest of those it depends on.
  const wave = fetches.map(() => 0);
  const needed = fetches.map(() => false);
  for (const { id, after } of fetches) {
    for (const before of after) {
      wave[id] = Math.max(wave[id] ?? 0, (wave[before] ?? 0) + 1);
      needed[before] = true;
    }
  }
  // A fetch nothing waits for joins the first later wave with an entity fetch to its subgraph.
  const last = Math.max(0, ...wave);
  for (const { id, fetch } of fetches) {
    if (needed[id] || !fetch.requires) continue;
    for (let later = (wave[id] ?? 0) + 1; later <= last; later++) {
      const joins = fetches.some(
        (other) =>
          other.id !== id &&
          wave[other.id] === later &&
          other.fetch.requires &&
          other.fetch.serviceName === fetch.serviceName,
      );
      if (joins) {
        wave[id] = later;
        break;
      }
    }
  }
  const waves: FetchWaves = Array.from({ length: last + 1 }, () => []);
  for (const { id, fetch, path } of fetches) waves[wave[id] ?? 0]?.push({ id, fetch, path });
  return waves.filter((fetchesOfWave) => fetchesOfWave.length > 0);
}
