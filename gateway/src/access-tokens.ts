import { importSPKI, jwtVerify, type CryptoKey } from 'jose';
import type { Viewer } from '@jobber/service-kit';

export interface AccessTokenSettings {
  publicKeyPem: string;
  issuer: string;
  audience: string;
}

/** Verifies the users' access tokens that auth issues (EdDSA JWTs, 15 minutes). */
export function createAccessTokenVerifier(settings: AccessTokenSettings) {
  let key: Promise<CryptoKey> | undefined;
  return {
    /** The viewer, or null when the token is forged, expired, has no expiry or is not ours. */
    async verify(token: string): Promise<Viewer | null> {
      key ??= importSPKI(settings.publicKeyPem, 'EdDSA');
      try {
        const { payload } = await jwtVerify(token, await key, {
          issuer: settings.issuer,
          audience: settings.audience,
          algorithms: ['EdDSA'],
          clockTolerance: 5,
          // A token without an expiry would work forever: auth always sets one.
          requiredClaims: ['exp'],
        });
        if (!payload.sub) return null;
        const roles = Array.isArray(payload['roles'])
          ? payload['roles'].filter((r) => typeof r === 'string')
          : [];
        return { id: payload.sub, roles };
      } catch {
        return null;
      }
    },
  };
}
export type AccessTokenVerifier = ReturnType<typeof createAccessTokenVerifier>;
