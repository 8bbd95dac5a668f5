import { describe, expect, it } from 'vitest';
import { describeDevice, deviceFingerprint, parseUserAgent } from '../src/devices.js';

const UA = {
  chromeMac119:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36',
  chromeMac131:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.86 Safari/537.36',
  chromeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  chromeAndroidPhone:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  chromeAndroidTablet:
    'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  chromeIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
  edgeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70',
  operaWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0',
  firefoxLinux: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  safariMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  safariIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  safariIpad:
    'Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
  curl: 'curl/8.5.0',
};

describe('devices', () => {
  it('reads browser family, OS family and device type from common user agents', () => {
    expect(parseUserAgent(UA.chromeMac131)).toEqual({
      browser: 'Chrome',
      os: 'macOS',
      deviceType: 'desktop',
    });
    expect(parseUserAgent(UA.chromeWindows)).toMatchObject({ browser: 'Chrome', os: 'Windows' });
    expect(parseUserAgent(UA.chromeAndroidPhone)).toEqual({
      browser: 'Chrome',
      os: 'Android',
      deviceType: 'mobile',
    });
    expect(parseUserAgent(UA.chromeAndroidTablet)).toMatchObject({ deviceType: 'tablet' });
    expect(parseUserAgent(UA.chromeIphone)).toEqual({
      browser: 'Chrome',
      os: 'iOS',
      deviceType: 'mobile',
    });
    expect(parseUserAgent(UA.edgeWindows)).toMatchObject({ browser: 'Edge', os: 'Windows' });
    expect(parseUserAgent(UA.operaWindows)).toMatchObject({ browser: 'Opera' });
    expect(parseUserAgent(UA.firefoxLinux)).toEqual({
      browser: 'Firefox',
      os: 'Linux',
      deviceType: 'desktop',
    });
    expect(parseUserAgent(UA.safariMac)).toMatchObject({ browser: 'Safari', os: 'macOS' });
    expect(parseUserAgent(UA.safariIphone)).toEqual({
      browser: 'Safari',
      os: 'iOS',
      deviceType: 'mobile',
    });
    expect(parseUserAgent(UA.safariIpad)).toEqual({
      browser: 'Safari',
      os: 'iOS',
      deviceType: 'tablet',
    });
    expect(parseUserAgent(UA.curl)).toEqual({
      browser: 'other',
      os: 'other',
      deviceType: 'desktop',
    });
    expect(parseUserAgent(null)).toEqual({ browser: 'other', os: 'other', deviceType: 'desktop' });
  });

  it('keeps the fingerprint across a Chrome version bump', () => {
    expect(deviceFingerprint({ userAgent: UA.chromeMac131 })).toBe(
      deviceFingerprint({ userAgent: UA.chromeMac119 }),
    );
    expect(deviceFingerprint({ userAgent: UA.chromeMac131 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes the fingerprint across OS, browser and device type', () => {
    const fingerprints = [
      UA.chromeMac131,
      UA.chromeWindows,
      UA.chromeAndroidPhone,
      UA.chromeAndroidTablet,
      UA.edgeWindows,
      UA.safariMac,
      UA.firefoxLinux,
    ].map((userAgent) => deviceFingerprint({ userAgent }));
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
  });

  it('prefers a client device id over the user agent', () => {
    const withId = deviceFingerprint({ deviceId: 'device-123', userAgent: UA.chromeMac131 });
    expect(withId).toBe(
      deviceFingerprint({ deviceId: ' device-123 ', userAgent: UA.firefoxLinux }),
    );
    expect(withId).not.toBe(deviceFingerprint({ userAgent: UA.chromeMac131 }));
    expect(withId).not.toBe(
      deviceFingerprint({ deviceId: 'device-124', userAgent: UA.chromeMac131 }),
    );
    // A blank id counts as none.
    expect(deviceFingerprint({ deviceId: '  ', userAgent: UA.chromeMac131 })).toBe(
      deviceFingerprint({ userAgent: UA.chromeMac131 }),
    );
  });

  it('describes the device for the email', () => {
    expect(describeDevice(UA.chromeMac131)).toBe('Chrome on macOS');
    expect(describeDevice(UA.safariIphone)).toBe('Safari on iOS');
    expect(describeDevice(UA.edgeWindows)).toBe('Edge on Windows');
    expect(describeDevice(UA.firefoxLinux)).toBe('Firefox on Linux');
    expect(describeDevice(UA.curl)).toBe('Unknown browser on an unknown system');
    expect(describeDevice(undefined)).toBe('Unknown browser on an unknown system');
  });
});
