/**
 * Failed sign-ins, counted per bucket within a sliding window: one bucket per account (whichever
 * identifier was typed), one per unknown identifier (so unknown accounts behave alike) and one
 * per trusted device. After `freeFailures`, each further try waits a doubling delay after the
 * previous failure (capped), instead of a fixed lock-out the owner cannot get past. A device the
 * account trusts counts in its own bucket, so an attacker's failures never block it.
 * Per IP only a much higher bound applies (many people share a proxy's address).
 */
export const THROTTLE = {
  windowMs: 60 * 60_000,
  freeFailures: 5,
  firstDelayMs: 2_000,
  maxDelayMs: 15 * 60_000,
  maxPerIp: 300,
} as const;

/** Sign-ups allowed per client IP and hour. */
export const SIGN_UPS_PER_IP = { windowMs: 60 * 60_000, max: 10 } as const;

export interface ThrottleInput {
  /** Failed sign-ins in this bucket within the window, not counting this attempt. */
  bucketFailures: number;
  /** The newest of them. */
  latestBucketFailureAt?: Date | null;
  /** Failed sign-ins from this IP within the window (0 when the IP does not count). */
  ipFailures: number;
  oldestIpFailureAt?: Date | null;
  now?: Date;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** The wait required after the last failure when `failures` came before: 0, then 2 s, 4 s, … */
export function backOffMs(failures: number): number {
  if (failures < THROTTLE.freeFailures) return 0;
  const doublings = Math.min(30, failures - THROTTLE.freeFailures);
  return Math.min(THROTTLE.maxDelayMs, THROTTLE.firstDelayMs * 2 ** doublings);
}

export function checkThrottle(input: ThrottleInput): ThrottleDecision {
  const now = (input.now ?? new Date()).getTime();
  const waits: number[] = [];
  const delay = backOffMs(input.bucketFailures);
  if (delay > 0) {
    const latest = input.latestBucketFailureAt?.getTime() ?? now;
    if (now - latest < delay) waits.push(latest + delay - now);
  }
  if (input.ipFailures >= THROTTLE.maxPerIp) {
    const oldest = input.oldestIpFailureAt?.getTime() ?? now;
    waits.push(Math.min(THROTTLE.windowMs, oldest + THROTTLE.windowMs - now));
  }
  if (waits.length === 0) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(Math.max(...waits) / 1000)) };
}
