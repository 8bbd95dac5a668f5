import { describe, expect, it } from 'vitest';
import { MAX_SIGN_IN_CODE_ATTEMPTS } from '../src/refresh-rotation.js';
import { hashSecret } from '../src/secrets.js';
import {
  decideSignInCode,
  isOneTimeTokenUsable,
  type SignInChallengeRecord,
} from '../src/sign-in-codes.js';

const now = new Date('2026-11-25T12:00:00Z');

function challenge(overrides: Partial<SignInChallengeRecord> = {}): SignInChallengeRecord {
  return {
    codeHash: hashSecret('042917'),
    expiresAt: new Date(now.getTime() + 60_000),
    attempts: 0,
    consumedAt: null,
    ...overrides,
  };
}

describe('sign-in codes', () => {
  it('accepts the right code, surrounding spaces ignored', () => {
    expect(decideSignInCode(challenge(), '042917', now)).toEqual({ kind: 'accept' });
    expect(decideSignInCode(challenge(), ' 042917 ', now)).toEqual({ kind: 'accept' });
  });

  it('counts down wrong codes, then refuses even the right one', () => {
    expect(decideSignInCode(challenge(), '42917', now)).toEqual({
      kind: 'wrong-code',
      attemptsLeft: MAX_SIGN_IN_CODE_ATTEMPTS - 1,
    });
    expect(
      decideSignInCode(challenge({ attempts: MAX_SIGN_IN_CODE_ATTEMPTS - 1 }), '000000', now),
    ).toEqual({ kind: 'wrong-code', attemptsLeft: 0 });
    expect(
      decideSignInCode(challenge({ attempts: MAX_SIGN_IN_CODE_ATTEMPTS }), '042917', now),
    ).toEqual({ kind: 'too-many-attempts' });
  });

  it('refuses expired, used and unknown challenges', () => {
    expect(decideSignInCode(challenge({ expiresAt: now }), '042917', now)).toEqual({
      kind: 'expired',
    });
    expect(decideSignInCode(challenge({ consumedAt: now }), '042917', now)).toEqual({
      kind: 'invalid',
    });
    expect(decideSignInCode(null, '042917', now)).toEqual({ kind: 'invalid' });
  });

  it('lets a one-time token be used once, before it expires', () => {
    const later = new Date(now.getTime() + 1);
    expect(isOneTimeTokenUsable({ expiresAt: later, usedAt: null }, now)).toBe(true);
    expect(isOneTimeTokenUsable({ expiresAt: now, usedAt: null }, now)).toBe(false);
    expect(isOneTimeTokenUsable({ expiresAt: later, usedAt: now }, now)).toBe(false);
    expect(isOneTimeTokenUsable(null, now)).toBe(false);
  });
});
