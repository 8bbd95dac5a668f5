const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** A refresh token lives 30 days from its issue; each rotation issues a successor with a fresh 30. */
export const REFRESH_TOKEN_TTL_MS = 30 * DAY_MS;
/** …but no token of a family (one sign-in's chain of rotations) outlives 90 days from the sign-in. */
export const REFRESH_FAMILY_MAX_AGE_MS = 90 * DAY_MS;
/** A sign-up's confirmation link works for a day from its (newest) email. */
export const SIGN_UP_CONFIRMATION_TTL_MS = 24 * HOUR_MS;
/** A pending sign-up's confirmation is re-sent at most this often. */
export const SIGN_UP_RESEND_INTERVAL_MS = MINUTE_MS;
export const PASSWORD_RESET_TOKEN_TTL_MS = HOUR_MS;
export const SIGN_IN_CODE_TTL_MS = 10 * MINUTE_MS;
export const MAX_SIGN_IN_CODE_ATTEMPTS = 5;
/** Code attempts per account across all its challenges, per window. */
export const CODE_ATTEMPTS_PER_ACCOUNT = { max: 10, windowMs: HOUR_MS } as const;
/** A sign-in code is emailed at most this often per account. */
export const CODE_RESEND_INTERVAL_MS = MINUTE_MS;

/** A stored refresh token (the token itself is never stored, only `hashSecret(token)`). */
export interface RefreshTokenRecord {
  id: string;
  familyId: string;
  userId: string;
  tokenHash: string;
  expiresAt: Date;
  /** Set when this token was exchanged for its successor. */
  rotatedAt: Date | null;
  /** Set on sign-out, sign-out-everywhere, password change or detected reuse. */
  revokedAt: Date | null;
}

export type RefreshDecision =
  /** Mark this record rotated and issue a successor in the same family (expiry: `nextExpiry`). */
  | { kind: 'rotate' }
  /** An already-rotated token came back: someone holds a copy. Revoke the whole family. */
  | { kind: 'reuse-detected'; familyId: string }
  /** Unknown, revoked or expired: refuse, change nothing. */
  | { kind: 'invalid' };

/** What to do with a presented refresh token, given its record (null when the hash is unknown). */
export function decideRefresh(record: RefreshTokenRecord | null, now: Date): RefreshDecision {
  if (record === null || record.revokedAt !== null) return { kind: 'invalid' };
  // Reuse is checked before expiry: a rotated token is never legitimately presented again.
  if (record.rotatedAt !== null) return { kind: 'reuse-detected', familyId: record.familyId };
  if (now.getTime() >= record.expiresAt.getTime()) return { kind: 'invalid' };
  return { kind: 'rotate' };
}

/** Expiry of a newly issued token in a family: 30 days sliding, capped at 90 days from the sign-in. */
export function nextExpiry(familyCreatedAt: Date, now: Date): Date {
  return new Date(
    Math.min(
      now.getTime() + REFRESH_TOKEN_TTL_MS,
      familyCreatedAt.getTime() + REFRESH_FAMILY_MAX_AGE_MS,
    ),
  );
}
