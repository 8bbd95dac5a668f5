/** Failed sign-ins allowed per sliding window: per account (by normalised identifier, known or
 * not) and per client IP. The next attempt after the limit is refused until failures age out. */
export const THROTTLE = {
  windowMs: 15 * 60_000,
  maxPerAccount: 5,
  maxPerIp: 20,
} as const;

export interface ThrottleInput {
  /** Failed sign-ins for this account within the last `THROTTLE.windowMs`. */
  accountFailures: number;
  /** Failed sign-ins from this IP within the last `THROTTLE.windowMs`. */
  ipFailures: number;
  /** Oldest failure counted in each window, if the store knows it: sharpens `retryAfterSeconds`. */
  oldestAccountFailureAt?: Date | null;
  oldestIpFailureAt?: Date | null;
  now?: Date;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export function checkThrottle(input: ThrottleInput): ThrottleDecision {
  const accountBlocked = input.accountFailures >= THROTTLE.maxPerAccount;
  const ipBlocked = input.ipFailures >= THROTTLE.maxPerIp;
  if (!accountBlocked && !ipBlocked) return { allowed: true };
  const waits: number[] = [];
  if (accountBlocked) waits.push(secondsUntilWindowEnds(input.oldestAccountFailureAt, input.now));
  if (ipBlocked) waits.push(secondsUntilWindowEnds(input.oldestIpFailureAt, input.now));
  return { allowed: false, retryAfterSeconds: Math.max(...waits) };
}

/** When the oldest counted failure leaves the window — the earliest a retry can pass — at least
 * 1 s; the whole window when the oldest failure is not known. */
function secondsUntilWindowEnds(oldestFailureAt: Date | null | undefined, now?: Date): number {
  const windowSeconds = Math.ceil(THROTTLE.windowMs / 1000);
  if (!oldestFailureAt) return windowSeconds;
  const remainingMs = oldestFailureAt.getTime() + THROTTLE.windowMs - (now ?? new Date()).getTime();
  return Math.min(windowSeconds, Math.max(1, Math.ceil(remainingMs / 1000)));
}
