import { describe, expect, it } from 'vitest';
import {
  decideRefresh,
  MAX_SIGN_IN_CODE_ATTEMPTS,
  nextExpiry,
  PASSWORD_RESET_TOKEN_TTL_MS,
  REFRESH_FAMILY_MAX_AGE_MS,
  REFRESH_TOKEN_TTL_MS,
  SIGN_IN_CODE_TTL_MS,
  SIGN_UP_CONFIRMATION_TTL_MS,
  type RefreshTokenRecord,
} from '../src/refresh-rotation.js';

const DAY = 24 * 60 * 60 * 1000;
const now = new Date('2026-11-25T12:00:00Z');

function record(overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    id: 'rt-1',
    familyId: 'family-1',
    userId: 'user-1',
    tokenHash: 'a'.repeat(64),
    expiresAt: new Date(now.getTime() + DAY),
    rotatedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

describe('refresh token rotation', () => {
  it('rotates a fresh token', () => {
    expect(decideRefresh(record(), now)).toEqual({ kind: 'rotate' });
  });

  it('detects reuse of a rotated token and names the family to revoke', () => {
    expect(decideRefresh(record({ rotatedAt: new Date(now.getTime() - 1000) }), now)).toEqual({
      kind: 'reuse-detected',
      familyId: 'family-1',
    });
  });

  it('still treats a rotated token as reuse after it expired', () => {
    const stale = record({
      rotatedAt: new Date(now.getTime() - 40 * DAY),
      expiresAt: new Date(now.getTime() - 10 * DAY),
    });
    expect(decideRefresh(stale, now)).toEqual({ kind: 'reuse-detected', familyId: 'family-1' });
  });

  it('refuses revoked, expired and unknown tokens', () => {
    expect(decideRefresh(record({ revokedAt: new Date(now.getTime() - 1) }), now)).toEqual({
      kind: 'invalid',
    });
    expect(
      decideRefresh(record({ revokedAt: now, rotatedAt: new Date(now.getTime() - 1) }), now),
    ).toEqual({ kind: 'invalid' });
    expect(decideRefresh(record({ expiresAt: now }), now)).toEqual({ kind: 'invalid' });
    expect(decideRefresh(record({ expiresAt: new Date(now.getTime() + 1) }), now)).toEqual({
      kind: 'rotate',
    });
    expect(decideRefresh(null, now)).toEqual({ kind: 'invalid' });
  });

  it('slides expiry by 30 days, capped at 90 days from the family start', () => {
    expect(REFRESH_TOKEN_TTL_MS).toBe(30 * DAY);
    expect(REFRESH_FAMILY_MAX_AGE_MS).toBe(90 * DAY);
    expect(nextExpiry(now, now)).toEqual(new Date(now.getTime() + 30 * DAY));
    const familyStart = new Date(now.getTime() - 70 * DAY);
    expect(nextExpiry(familyStart, now)).toEqual(new Date(familyStart.getTime() + 90 * DAY));
    const atCap = new Date(now.getTime() - 60 * DAY);
    expect(nextExpiry(atCap, now)).toEqual(new Date(now.getTime() + 30 * DAY));
  });

  it('has the agreed lifetimes for the other secrets', () => {
    expect(SIGN_UP_CONFIRMATION_TTL_MS).toBe(24 * 60 * 60 * 1000);
    expect(PASSWORD_RESET_TOKEN_TTL_MS).toBe(60 * 60 * 1000);
    expect(SIGN_IN_CODE_TTL_MS).toBe(10 * 60 * 1000);
    expect(MAX_SIGN_IN_CODE_ATTEMPTS).toBe(5);
  });
});
