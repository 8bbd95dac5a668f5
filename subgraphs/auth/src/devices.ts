import { createHash } from 'node:crypto';

export type BrowserFamily = 'Chrome' | 'Firefox' | 'Safari' | 'Edge' | 'Opera' | 'other';
export type OsFamily = 'Windows' | 'macOS' | 'iOS' | 'Android' | 'Linux' | 'other';
export type DeviceType = 'mobile' | 'tablet' | 'desktop';

export interface UserAgentSummary {
  browser: BrowserFamily;
  os: OsFamily;
  deviceType: DeviceType;
}

// Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
const BROWSERS: readonly [BrowserFamily, RegExp][] = [
  ['Edge', /\b(?:Edg|Edge|EdgA|EdgiOS)\//],
  ['Opera', /\b(?:OPR|Opera|OPT|OPX)\b/],
  ['Firefox', /\b(?:Firefox|FxiOS)\//],
  ['Chrome', /\b(?:Chrome|CriOS|Chromium)\//],
  ['Safari', /\bVersion\/[\d.]+.*\bSafari\/|\bMobile\/\w+.*\bSafari\//],
];

// iOS before macOS (iPhone UAs say "like Mac OS X"), Android before Linux.
const SYSTEMS: readonly [OsFamily, RegExp][] = [
  ['iOS', /\b(?:iPhone|iPad|iPod)\b/],
  ['Android', /\bAndroid\b/],
  ['Windows', /\bWindows\b/],
  ['macOS', /\b(?:Macintosh|Mac OS X)\b/],
  ['Linux', /\b(?:Linux|X11)\b/],
];

/** Browser family, OS family and device type: what survives a browser or OS version upgrade. */
export function parseUserAgent(userAgent: string | null | undefined): UserAgentSummary {
  const ua = userAgent ?? '';
  const browser = BROWSERS.find(([, pattern]) => pattern.test(ua))?.[0] ?? 'other';
  const os = SYSTEMS.find(([, pattern]) => pattern.test(ua))?.[0] ?? 'other';
  const deviceType: DeviceType =
    /\b(?:iPad|Tablet)\b/.test(ua) || (os === 'Android' && !/\bMobile\b/.test(ua))
      ? 'tablet'
      : /\b(?:Mobi|iPhone|iPod)/.test(ua)
        ? 'mobile'
        : 'desktop';
  return { browser, os, deviceType };
}

/**
 * Binds a sign-in challenge to the browser that started it: the client's own device id when it
 * sends one, else the user agent's browser family + OS family + device type. Hex SHA-256.
 * Never makes a device trusted; only a device secret does (accounts.ts, README "Devices").
 */
export function deviceFingerprint(client: {
  deviceId?: string | null;
  userAgent?: string | null;
}): string {
  return createHash('sha256').update(fingerprintSource(client), 'utf8').digest('hex');
}

function fingerprintSource(client: {
  deviceId?: string | null;
  userAgent?: string | null;
}): string {
  const deviceId = client.deviceId?.trim();
  if (deviceId) return `device-id:${deviceId}`;
  const { browser, os, deviceType } = parseUserAgent(client.userAgent);
  return `user-agent:${browser}|${os}|${deviceType}`;
}

/** For the new-device email: "Chrome on macOS", "Firefox on Android", "Unknown browser on Linux". */
export function describeDevice(userAgent: string | null | undefined): string {
  const { browser, os } = parseUserAgent(userAgent);
  const browserName = browser === 'other' ? 'Unknown browser' : browser;
  return os === 'other' ? `${browserName} on an unknown system` : `${browserName} on ${os}`;
}
