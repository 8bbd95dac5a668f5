// The functions with the most self time in a V8 .cpuprofile (node --cpu-prof), printed as a table.
// Usage as a script: tsx top-self-time.ts <file.cpuprofile> [count]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function topSelfTime(
  path: string,
  count = 25,
): { name: string; ms: number; share: number }[] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const frameOf = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const selfUs = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const frame = frameOf.get(id);
    if (frame?.functionName === '(idle)') return; // waiting, not working: left out of the shares
    const where = frame?.url
      ? frame.url
          .replace(/^.*node_modules\//, '')
          .replace(/^file:\/\/.*\/(gateway|packages)\//, '$1/')
      : '';
    const key = `${frame?.functionName || '(anonymous)'} ${where}:${(frame?.lineNumber ?? 0) + 1}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
    total += delta;
  });
  return [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / Math.max(1, total) }));
}

export function printTopSelfTime(path: string, count = 25): void {
  for (const { name, ms, share } of topSelfTime(path, count))
    console.log(
      `${(share * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms  ${name}`,
    );
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  printTopSelfTime(process.argv[2] ?? '', Number(process.argv[3] ?? 25));
