import { readFileSync } from 'node:fs';
import {
  apiFile,
  intendedChangesFile,
  mainBranchBaseline,
  releaseBaseline,
  type ApiBaseline,
} from './api-baselines.js';
import { checkApiSchema, parseIntendedChanges, type ApiCheckResult } from './breaking-changes.js';

/**
 * The repository's check: schema/api.graphql against the release baseline (always there, in
 * any clone) and against main's version at the merge base (when the history is there).
 */
export async function checkRepositoryApi(options: { gitCwd?: string } = {}): Promise<{
  result: ApiCheckResult;
  skipped: string[];
}> {
  const baselines: ApiBaseline[] = [releaseBaseline()];
  const skipped: string[] = [];
  const main = mainBranchBaseline(options.gitCwd ? { cwd: options.gitCwd } : {});
  if (main.found) baselines.push(main);
  else skipped.push(`the main branch (${main.reason}); the release baseline alone decides`);
  const result = await checkApiSchema({
    current: readFileSync(apiFile, 'utf8'),
    baselines,
    intended: parseIntendedChanges(readFileSync(intendedChangesFile, 'utf8')),
  });
  return { result, skipped };
}
