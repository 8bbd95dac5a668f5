import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** A fresh opaque token (refresh, verification, reset): 32 random bytes, base64url (43 chars). */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the store keeps instead of a token: its SHA-256, hex. Tokens carry 256 random bits, so a
 * fast unsalted hash is enough; the database never holds anything usable. */
export function hashSecret(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A 6-digit sign-in code, uniformly random, zero-padded ("004217"). */
export function newSignInCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/** Constant-time string comparison (both sides are digested first, so lengths do not leak). */
export function safeEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB);
}
