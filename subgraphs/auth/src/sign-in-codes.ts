import { MAX_SIGN_IN_CODE_ATTEMPTS } from './refresh-rotation.js';
import { hashSecret, safeEqual } from './secrets.js';

/** A pending new-device sign-in: the emailed code's hash, its expiry and the tries so far. */
export interface SignInChallengeRecord {
  codeHash: string;
  expiresAt: Date;
  /** Wrong codes entered so far. */
  attempts: number;
  /** Set once the code was accepted (a code works once). */
  consumedAt: Date | null;
}

export type SignInCodeDecision =
  /** Mark the challenge consumed, remember the device, issue the session. */
  | { kind: 'accept' }
  /** Increment `attempts` (atomically, in the store); `attemptsLeft` may be 0. */
  | { kind: 'wrong-code'; attemptsLeft: number }
  | { kind: 'too-many-attempts' }
  | { kind: 'expired' }
  /** Unknown or already used challenge. */
  | { kind: 'invalid' };

export function decideSignInCode(
  challenge: SignInChallengeRecord | null,
  code: string,
  now: Date,
): SignInCodeDecision {
  if (challenge === null || challenge.consumedAt !== null) return { kind: 'invalid' };
  if (now.getTime() >= challenge.expiresAt.getTime()) return { kind: 'expired' };
  if (challenge.attempts >= MAX_SIGN_IN_CODE_ATTEMPTS) return { kind: 'too-many-attempts' };
  if (safeEqual(hashSecret(code.trim()), challenge.codeHash)) return { kind: 'accept' };
  return { kind: 'wrong-code', attemptsLeft: MAX_SIGN_IN_CODE_ATTEMPTS - challenge.attempts - 1 };
}

/** A stored single-use token (email verification, password reset). */
export interface OneTimeTokenRecord {
  expiresAt: Date;
  usedAt: Date | null;
}

/** True when the token may be used now (the store then marks it used in the same statement). */
export function isOneTimeTokenUsable(record: OneTimeTokenRecord | null, now: Date): boolean {
  return record !== null && record.usedAt === null && now.getTime() < record.expiresAt.getTime();
}
