import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';
import type { ApiBaseline } from './api-baselines.js';

/** A breaking change made on purpose: the change's message (and path) and why. */
export interface IntendedChange {
  message: string;
  path?: string;
  reason: string;
}

export interface FoundChange {
  /** The baseline it breaks against. */
  base: string;
  message: string;
  path?: string;
}

export interface ApiCheckResult {
  /** The baselines compared. */
  compared: string[];
  /** Breaking changes not listed as intended: the check fails on these. */
  unlisted: FoundChange[];
  /** Listed changes that no compared baseline shows any more: the check fails on these too. */
  stale: IntendedChange[];
  /** Breaking changes listed as intended (reported, not failing). */
  intended: FoundChange[];
  /** Dangerous changes (a new enum value, a changed default): reported, not failing. */
  dangerous: FoundChange[];
}

const matches = (entry: IntendedChange, change: Change) =>
  entry.message === change.message && (entry.path === undefined || entry.path === change.path);

/**
 * Compares the current client schema with each baseline (graphql-inspector) and sorts every
 * breaking change into intended (listed with a reason) or unlisted. An entry that matches no
 * breaking change any more is stale, so the list of intended changes stays true.
 */
export async function checkApiSchema(options: {
  current: string;
  baselines: readonly ApiBaseline[];
  intended: readonly IntendedChange[];
}): Promise<ApiCheckResult> {
  const current = buildSchema(options.current);
  const result: ApiCheckResult = {
    compared: [],
    unlisted: [],
    stale: [],
    intended: [],
    dangerous: [],
  };
  const used = new Set<IntendedChange>();
  for (const baseline of options.baselines) {
    const changes = await diff(buildBaseline(baseline), current);
    result.compared.push(baseline.name);
    for (const change of changes) {
      const found: FoundChange = {
        base: baseline.name,
        message: change.message,
        ...(change.path ? { path: change.path } : {}),
      };
      if (change.criticality.level === CriticalityLevel.Dangerous) result.dangerous.push(found);
      if (change.criticality.level !== CriticalityLevel.Breaking) continue;
      const entry = options.intended.find((candidate) => matches(candidate, change));
      if (entry) {
        used.add(entry);
        result.intended.push(found);
      } else {
        result.unlisted.push(found);
      }
    }
  }
  result.stale = options.intended.filter((entry) => !used.has(entry));
  return result;
}

function buildBaseline(baseline: ApiBaseline) {
  try {
    return buildSchema(baseline.sdl);
  } catch (error) {
    throw new Error(
      `${baseline.name} is not a valid schema: ${error instanceof Error ? error.message : error}`,
      { cause: error },
    );
  }
}

/** Reads and validates intended-changes.json (`{ "changes": [{ message, path?, reason }] }`). */
export function parseIntendedChanges(json: string): IntendedChange[] {
  const parsed: unknown = JSON.parse(json);
  const changes = (parsed as { changes?: unknown } | null)?.changes;
  if (!Array.isArray(changes)) throw new Error('intended-changes.json: "changes" must be an array');
  return changes.map((entry: unknown, index) => {
    const { message, path, reason } = (entry ?? {}) as Record<string, unknown>;
    const where = `intended-changes.json changes[${index}]`;
    if (typeof message !== 'string' || !message) throw new Error(`${where}: "message" is required`);
    if (path !== undefined && typeof path !== 'string') {
      throw new Error(`${where}: "path" must be a string`);
    }
    if (typeof reason !== 'string' || !reason.trim()) {
      throw new Error(`${where}: "reason" is required (why clients may break, what they do now)`);
    }
    return { message, ...(path === undefined ? {} : { path }), reason };
  });
}

/** The report a developer reads, with a ready-to-paste entry for each unlisted change. */
export function formatApiCheck(result: ApiCheckResult, skipped: readonly string[] = []): string {
  const lines = [`Compared schema/api.graphql with: ${result.compared.join('; ')}`];
  for (const reason of skipped) lines.push(`Not compared: ${reason}`);
  for (const change of result.intended) {
    lines.push(`intended breaking change (vs ${change.base}): ${change.message}`);
  }
  for (const change of result.dangerous) {
    lines.push(`dangerous change (vs ${change.base}): ${change.message}`);
  }
  if (result.unlisted.length) {
    lines.push(
      '',
      'Breaking changes for clients that are not listed in schema/intended-changes.json:',
      ...result.unlisted.map((change) => `  - (vs ${change.base}) ${change.message}`),
      '',
      'Keep the old field or argument (deprecate it instead), or list each change with a reason:',
      ...new Set(
        result.unlisted.map((change) =>
          JSON.stringify({
            message: change.message,
            ...(change.path ? { path: change.path } : {}),
            reason: '<why clients may break, and what they use instead>',
          }),
        ),
      ),
    );
  }
  if (result.stale.length) {
    lines.push(
      '',
      'Listed in schema/intended-changes.json but no longer a change against any baseline (remove them):',
      ...result.stale.map((entry) => `  - ${entry.message}`),
    );
  }
  return lines.join('\n');
}

export const apiCheckFailed = (result: ApiCheckResult) =>
  result.unlisted.length > 0 || result.stale.length > 0;
