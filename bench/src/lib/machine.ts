import { cpus, totalmem } from 'node:os';

/** One line saying where the figures come from; `layout` says which process runs what. */
export function machineSummary(
  layout = 'client, gateway, auth and users share one Node process',
): string {
  const cores = cpus();
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  const memoryGiB = Math.round(totalmem() / 2 ** 30);
  return `${cores.length} cores (${model}), ${memoryGiB} GiB, Node ${process.version}; ${layout}`;
}
