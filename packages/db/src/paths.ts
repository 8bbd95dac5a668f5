import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The monorepo root: the nearest ancestor of `from` whose package.json declares "workspaces".
 * Without `from`, tries the working directory first, then this package's own location. */
export function repoRoot(from?: string): string {
  if (from !== undefined) {
    const found = findWorkspaceRoot(from);
    if (found === undefined) throw new Error(`No package.json with "workspaces" above ${from}`);
    return found;
  }
  const found =
    findWorkspaceRoot(process.cwd()) ?? findWorkspaceRoot(dirname(fileURLToPath(import.meta.url)));
  if (found === undefined) {
    throw new Error(`No package.json with "workspaces" above ${process.cwd()}`);
  }
  return found;
}

/** `<repo>/prisma`: one folder per subgraph. */
export function prismaRoot(): string {
  return join(repoRoot(), 'prisma');
}

/** `<repo>/prisma/<subgraph>`: schema.prisma, prisma.config.ts and migrations/. */
export function prismaDir(subgraph: string): string {
  return join(prismaRoot(), subgraph);
}

function findWorkspaceRoot(start: string): string | undefined {
  let dir = start;
  for (;;) {
    if (hasWorkspaces(join(dir, 'package.json'))) return dir;
    if (dir === parse(dir).root) return undefined;
    dir = dirname(dir);
  }
}

function hasWorkspaces(packageJson: string): boolean {
  if (!existsSync(packageJson)) return false;
  try {
    const parsed: unknown = JSON.parse(readFileSync(packageJson, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && 'workspaces' in parsed;
  } catch {
    return false;
  }
}
