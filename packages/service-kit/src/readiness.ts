import { Gauge } from 'prom-client';
import type { Metrics } from './metrics.js';

/**
 * One thing a service needs to serve. A `critical` check (the default) failing makes /readyz
 * answer 503; a non-critical one (the event broker, whose outage the outbox buffers) only shows
 * as `degraded` in the body and in the `readiness_check_up` metric.
 */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
  critical?: boolean;
}

export type ReadinessStatus = 'ok' | 'degraded' | 'unavailable';

export interface ReadinessReport {
  status: ReadinessStatus;
  /** 'ok', or why the check failed. */
  checks: Record<string, string>;
}

/** A check that has not answered by then counts as failed (a cut network never answers). */
export const READINESS_CHECK_TIMEOUT_MS = 2_000;

async function runOne({ check }: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([check().then(() => 'ok'), timeout]);
  } catch (error) {
    return error instanceof Error ? error.message : 'failed';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs every check at once and keeps `readiness_check_up{check}` (1 or 0) in `metrics` current.
 * Returns the report /readyz serves.
 */
export function createReadiness(
  checks: readonly ReadinessCheck[],
  metrics: Metrics,
  timeoutMs = READINESS_CHECK_TIMEOUT_MS,
) {
  const up = new Gauge({
    name: 'readiness_check_up',
    help: 'Whether a readiness check passed when last run (1) or failed (0), by check',
    labelNames: ['check', 'critical'] as const,
    registers: [metrics.registry],
  });
  return async function report(): Promise<ReadinessReport> {
    const results = await Promise.all(checks.map((check) => runOne(check, timeoutMs)));
    let status: ReadinessStatus = 'ok';
    checks.forEach((check, index) => {
      const ok = results[index] === 'ok';
      const critical = check.critical ?? true;
      up.set({ check: check.name, critical: String(critical) }, ok ? 1 : 0);
      if (!ok) status = critical ? 'unavailable' : status === 'ok' ? 'degraded' : status;
    });
    return {
      status,
      checks: Object.fromEntries(checks.map((check, index) => [check.name, results[index] ?? ''])),
    };
  };
}
