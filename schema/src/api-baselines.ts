import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** schema/ and the repository around it (src/ is one level below schema/). */
export const schemaDir = fileURLToPath(new URL('../', import.meta.url));
export const repoDir = fileURLToPath(new URL('../../', import.meta.url));

/** The client contract as composed now (`npm run compose`). */
export const apiFile = `${schemaDir}api.graphql`;
/** The contract as last released: rolled forward by `npm run schema:baseline` at a release. */
export const releaseBaselineFile = `${schemaDir}api.baseline.graphql`;
/** Breaking changes made on purpose since the release baseline, each with its reason. */
export const intendedChangesFile = `${schemaDir}intended-changes.json`;

/** A schema to compare the current contract with. */
export interface ApiBaseline {
  /** What it is, for the report: "release baseline", "main (merge base 1a2b3c4)". */
  name: string;
  sdl: string;
}

export type GitBaseline =
  ({ found: true; ref: string; commit: string } & ApiBaseline) | { found: false; reason: string };

export function releaseBaseline(file = releaseBaselineFile): ApiBaseline {
  return {
    name: 'release baseline (schema/api.baseline.graphql)',
    sdl: readFileSync(file, 'utf8'),
  };
}

/**
 * The contract at the merge base of HEAD and the main branch: what the change under review
 * started from. Needs the history (not a shallow clone) and a main ref; otherwise it says why
 * not, and the check relies on the release baseline alone. Reads only the local repository.
 */
export function mainBranchBaseline(
  options: { cwd?: string; file?: string; refs?: readonly string[] } = {},
): GitBaseline {
  const cwd = options.cwd ?? repoDir;
  const file = options.file ?? 'schema/api.graphql';
  const refs = options.refs ?? ['origin/main', 'main'];
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 16 * 1024 * 1024,
    });
  const attempt = (...args: string[]): string | null => {
    try {
      return git(...args).trim();
    } catch {
      return null;
    }
  };
  const missing = (reason: string): GitBaseline => ({ found: false, reason });

  if (attempt('rev-parse', '--is-inside-work-tree') !== 'true') {
    return missing('not a git work tree (or git is not installed)');
  }
  // A shallow clone's merge base may be a cut-off commit rather than the real one.
  if (attempt('rev-parse', '--is-shallow-repository') !== 'false') {
    return missing('a shallow clone: the merge base with main is not in the history');
  }
  const ref = refs.find((candidate) =>
    attempt('rev-parse', '--verify', '--quiet', `${candidate}^{commit}`),
  );
  if (!ref) return missing(`no ${refs.join(' or ')} ref in this clone`);
  const commit = attempt('merge-base', 'HEAD', ref);
  if (!commit) return missing(`HEAD and ${ref} have no merge base`);
  let sdl: string;
  try {
    sdl = git('show', `${commit}:${file}`);
  } catch {
    return missing(`${file} does not exist at the merge base with ${ref}`);
  }
  return { found: true, ref, commit, name: `${ref} (merge base ${commit.slice(0, 7)})`, sdl };
}
