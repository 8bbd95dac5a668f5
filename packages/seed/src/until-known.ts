import { eventually } from '@jobber/mailbox';
import { SeedApiError } from './gateway-client.js';

/**
 * Runs `attempt` until a subgraph knows what an event is bringing it: while it fails with
 * `code` (gigs' FORBIDDEN before `users.seller.created` arrives, chat's NOT_FOUND before
 * `gigs.gig.created` does) it is tried again; any other failure (a 429 included) stops at once.
 */
export async function untilKnown<T>(
  attempt: () => Promise<T>,
  code: string,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  let stop: { error: unknown } | undefined;
  const result = await eventually(
    async () => {
      try {
        return { value: await attempt() };
      } catch (error) {
        if (error instanceof SeedApiError && error.code === code) throw error;
        stop = { error };
        return { value: undefined };
      }
    },
    { timeoutMs, intervalMs: 50, maxIntervalMs: 1_000, what },
  );
  if (stop) throw stop.error;
  return result.value as T;
}
