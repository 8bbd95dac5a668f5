import { performance } from 'node:perf_hooks';

export interface RunLimits {
  /** Tasks to run, at most. */
  count: number;
  /** Tasks in flight at once. */
  concurrency: number;
  /** No task starts after this much time; the run ends when those in flight finish. */
  timeLimitMs: number;
}

export interface RunResult {
  /** Tasks that resolved. */
  completed: number;
  /** Tasks that threw (their latency is not recorded). */
  failed: number;
  firstError: string | null;
  /** Wall time from the first start to the last end. */
  elapsedMs: number;
  /** One entry per completed task, in completion order. */
  latenciesMs: number[];
  /** CPU time of this whole process (client and servers alike) over the run, in % of one core. */
  cpuPercent: number;
  /** Completed tasks per second of wall time. */
  perSecond: number;
}

/**
 * Runs `task(0) … task(count - 1)` with at most `concurrency` in flight, stopping early when the
 * time limit passes, and times each task.
 */
export async function runBounded(
  limits: RunLimits,
  task: (index: number) => Promise<void>,
): Promise<RunResult> {
  const latenciesMs: number[] = [];
  let next = 0;
  let failed = 0;
  let firstError: string | null = null;
  const started = performance.now();
  const deadline = started + limits.timeLimitMs;
  const cpuBefore = process.cpuUsage();

  const worker = async () => {
    while (next < limits.count && performance.now() < deadline) {
      const index = next++;
      const taskStarted = performance.now();
      try {
        await task(index);
        latenciesMs.push(performance.now() - taskStarted);
      } catch (error) {
        failed += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  const workers = Math.max(1, Math.min(limits.concurrency, limits.count));
  await Promise.all(Array.from({ length: workers }, worker));

  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    completed: latenciesMs.length,
    failed,
    firstError,
    elapsedMs,
    latenciesMs,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
    perSecond: latenciesMs.length / (elapsedMs / 1000),
  };
}

/** `runBounded` for set-up work: every task must succeed, or this throws with the first error. */
export async function runAll(
  limits: RunLimits,
  task: (index: number) => Promise<void>,
): Promise<RunResult> {
  const result = await runBounded(limits, task);
  if (result.failed > 0 || result.completed < limits.count) {
    throw new Error(
      `${result.completed}/${limits.count} done, ${result.failed} failed: ${result.firstError ?? 'time limit reached'}`,
    );
  }
  return result;
}
