import { describe, expect, it } from 'vitest';
import { backOffMs, checkThrottle, THROTTLE } from '../src/sign-in-throttle.js';

describe('sign-in throttle', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('lets 5 failures through, then doubles the wait from 2 s up to 15 minutes', () => {
    expect([0, 4, 5, 6, 7, 13, 14, 40].map(backOffMs)).toEqual([
      0, 0, 2_000, 4_000, 8_000, 512_000, 900_000, 900_000,
    ]);
  });

  it('waits the back-off after the newest failure in the bucket', () => {
    const input = { ipFailures: 0, now };
    expect(checkThrottle({ ...input, bucketFailures: 4, latestBucketFailureAt: now })).toEqual({
      allowed: true,
    });
    expect(
      checkThrottle({ ...input, bucketFailures: 6, latestBucketFailureAt: ago(1_000) }),
    ).toEqual({ allowed: false, retryAfterSeconds: 3 });
    expect(
      checkThrottle({ ...input, bucketFailures: 6, latestBucketFailureAt: ago(4_000) }),
    ).toEqual({ allowed: true });
  });

  it('bounds an IP only far above one person (a shared proxy)', () => {
    expect(THROTTLE.maxPerIp).toBeGreaterThanOrEqual(100);
    expect(checkThrottle({ bucketFailures: 0, ipFailures: THROTTLE.maxPerIp - 1, now })).toEqual({
      allowed: true,
    });
    expect(
      checkThrottle({
        bucketFailures: 0,
        ipFailures: THROTTLE.maxPerIp,
        oldestIpFailureAt: ago(THROTTLE.windowMs - 60_000),
        now,
      }),
    ).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });
});
