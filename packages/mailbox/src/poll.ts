/**
 * Waits for an eventual outcome (an event consumed, a row written) without fixed sleeps:
 * calls `probe` until it returns a value other than undefined/null/false, or fails after `timeoutMs`.
 * The wait between probes starts at `intervalMs` and, with `maxIntervalMs`, grows by half each
 * time up to it: a caller whose probe costs the server work (an API call) backs off.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  options: { timeoutMs?: number; intervalMs?: number; maxIntervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let lastError: unknown;
  let intervalMs = options.intervalMs ?? 25;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out waiting for ${options.what ?? 'condition'}${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    intervalMs = Math.min(intervalMs * 1.5, Math.max(intervalMs, options.maxIntervalMs ?? 0));
  }
}
