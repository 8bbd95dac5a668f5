import { describe, expect, it } from 'vitest';
import { checkThrottle, THROTTLE } from '../src/sign-in-throttle.js';

describe('sign-in throttle', () => {
  it('is 5 failures per account and 20 per IP in 15 minutes', () => {
    expect(THROTTLE).toEqual({ windowMs: 15 * 60_000, maxPerAccount: 5, maxPerIp: 20 });
  });

  it('allows up to the limits and blocks at them', () => {
    expect(checkThrottle({ accountFailures: 0, ipFailures: 0 })).toEqual({ allowed: true });
    expect(checkThrottle({ accountFailures: 4, ipFailures: 19 })).toEqual({ allowed: true });
    expect(checkThrottle({ accountFailures: 5, ipFailures: 0 })).toEqual({
      allowed: false,
      retryAfterSeconds: 900,
    });
    expect(checkThrottle({ accountFailures: 0, ipFailures: 20 })).toEqual({
      allowed: false,
      retryAfterSeconds: 900,
    });
  });

  it('says when the oldest counted failure leaves the window', () => {
    const now = new Date('2026-11-25T12:00:00Z');
    const tenMinutesAgo = new Date(now.getTime() - 10 * 60_000);
    expect(
      checkThrottle({
        accountFailures: 5,
        ipFailures: 3,
        oldestAccountFailureAt: tenMinutesAgo,
        now,
      }),
    ).toEqual({ allowed: false, retryAfterSeconds: 300 });
    // Both blocked: the later of the two.
    expect(
      checkThrottle({
        accountFailures: 5,
        ipFailures: 25,
        oldestAccountFailureAt: tenMinutesAgo,
        oldestIpFailureAt: new Date(now.getTime() - 60_000),
        now,
      }),
    ).toEqual({ allowed: false, retryAfterSeconds: 840 });
    // Never less than a second, even when the failure is just leaving the window.
    expect(
      checkThrottle({
        accountFailures: 5,
        ipFailures: 0,
        oldestAccountFailureAt: new Date(now.getTime() - THROTTLE.windowMs),
        now,
      }),
    ).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });
});
