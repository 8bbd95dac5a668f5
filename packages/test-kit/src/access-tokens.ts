import { SignJWT, importPKCS8 } from 'jose';
import type { SupergraphKeys } from './keys.js';

/**
 * Mints an access token as auth would (EdDSA, issuer jobber-auth, audience jobber), so a
 * subgraph's tests can act as any user without running auth.
 */
export async function signAccessToken(
  keys: SupergraphKeys,
  claims: { userId: string; roles?: string[]; sessionId?: string; expiresInSeconds?: number },
): Promise<string> {
  const key = await importPKCS8(keys.accessTokens.privateKeyPem, 'EdDSA');
  return (
    new SignJWT({ roles: claims.roles ?? ['USER'], sid: claims.sessionId ?? crypto.randomUUID() })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer('jobber-auth')
      .setAudience('jobber')
      .setSubject(claims.userId)
      .setIssuedAt()
      // A negative lifetime gives an already expired token (for expiry tests).
      .setExpirationTime(Math.floor(Date.now() / 1000) + (claims.expiresInSeconds ?? 900))
      .sign(key)
  );
}
