import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const deployDir = fileURLToPath(new URL('../', import.meta.url));
export const kubernetesDir = join(deployDir, 'kubernetes');
export const repoDir = resolve(deployDir, '..');
export const overlays = ['dev', 'production'] as const;
export type Overlay = (typeof overlays)[number];

/** A rendered object: what every Kubernetes object has, the rest left to the validators. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** How to run Kustomize here: `kubectl kustomize` (kubectl ≥ 1.14), else a `kustomize` binary. */
export function findKustomize(): string[] | null {
  for (const [bin, ...args] of [
    ['kubectl', 'kustomize'],
    ['kustomize', 'build'],
  ]) {
    const probe = spawnSync(
      bin as string,
      ['version', ...(bin === 'kubectl' ? ['--client'] : [])],
      {
        encoding: 'utf8',
      },
    );
    if (probe.error === undefined && probe.status === 0) return [bin as string, ...args];
  }
  return null;
}

/**
 * Renders an overlay as `kubectl kustomize` does, on a copy of deploy/kubernetes in a temporary
 * folder: the dev overlay's keys (git-ignored, made by docker/dev-keys.mjs on a developer's
 * machine) are made there, so a clean clone renders too and nothing is written in the tree.
 */
export function renderOverlay(
  kustomize: string[],
  overlay: Overlay,
  /** Changes the copy before it is rendered (a test of deploy/scripts). */
  prepare?: (copy: string) => void,
): Manifest[] {
  const dir = mkdtempSync(join(tmpdir(), 'jobber-kustomize-'));
  try {
    cpSync(kubernetesDir, dir, { recursive: true });
    prepare?.(dir);
    const keys = join(dir, 'overlays', 'dev', 'keys');
    const made = spawnSync(process.execPath, [join(repoDir, 'docker', 'dev-keys.mjs'), keys], {
      encoding: 'utf8',
    });
    if (made.status !== 0) throw new Error(`dev-keys.mjs failed: ${made.stderr}`);
    const [bin, ...args] = kustomize as [string, ...string[]];
    const result = spawnSync(bin, [...args, join(dir, 'overlays', overlay)], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status !== 0) {
      throw new Error(`${kustomize.join(' ')} ${overlay} failed:\n${result.stderr}`);
    }
    return parseAllDocuments(result.stdout).map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors.map(String).join('\n'));
      return doc.toJS() as Manifest;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
