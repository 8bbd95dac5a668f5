import { randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  errors,
  exportJWK,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  importPKCS8,
  importSPKI,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
} from 'jose';

/** Ed25519 signatures; "EdDSA" is the JOSE name every verifier understands. */
export const ACCESS_TOKEN_ALG = 'EdDSA';
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

export interface AccessTokenClaims {
  userId: string;
  roles: string[];
  sessionId: string;
}

export interface VerifiedAccessToken extends AccessTokenClaims {
  expiresAt: Date;
}

export interface AccessTokenIssuerOptions {
  /** Ed25519 private key, PKCS8 PEM. */
  privateKeyPem: string;
  issuer: string;
  audience: string;
  ttlSeconds?: number;
  /** The clock (tests pass a fixed one). */
  now?: () => Date;
}

export interface AccessTokenIssuer {
  issue(claims: AccessTokenClaims): Promise<{ token: string; expiresAt: Date }>;
  /** The verifying key as a JWK (`kid` = its RFC 7638 thumbprint, also in every token's header). */
  publicJwk(): Promise<JWK>;
}

export interface AccessTokenVerifyOptions {
  /** Ed25519 public key, SPKI PEM. */
  publicKeyPem: string;
  issuer: string;
  audience: string;
  /** Checks expiry against this time instead of the clock (tests). */
  now?: Date;
}

/** Why a token was refused: `expired` lets a client know to refresh; anything else is `invalid`. */
export class AccessTokenError extends Error {
  readonly reason: 'expired' | 'invalid';

  constructor(reason: 'expired' | 'invalid', options?: { cause?: unknown }) {
    super(reason === 'expired' ? 'Access token expired.' : 'Invalid access token.', options);
    this.name = 'AccessTokenError';
    this.reason = reason;
  }
}

export function createAccessTokenIssuer(options: AccessTokenIssuerOptions): AccessTokenIssuer {
  const ttlSeconds = options.ttlSeconds ?? ACCESS_TOKEN_TTL_SECONDS;
  const now = options.now ?? (() => new Date());
  // Imported once, on first use (lazily, so a bad PEM rejects issue() rather than nothing).
  let signing: Promise<{ privateKey: CryptoKey; publicJwk: JWK }> | undefined;
  const getSigning = () => (signing ??= loadSigningKey(options.privateKeyPem));

  return {
    async issue(claims) {
      const { privateKey, publicJwk } = await getSigning();
      const issuedAtSeconds = Math.floor(now().getTime() / 1000);
      const expiresAtSeconds = issuedAtSeconds + ttlSeconds;
      const token = await new SignJWT({ roles: [...claims.roles], sid: claims.sessionId })
        .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ: 'JWT', kid: publicJwk.kid })
        .setSubject(claims.userId)
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setIssuedAt(issuedAtSeconds)
        .setExpirationTime(expiresAtSeconds)
        .setJti(randomUUID())
        .sign(privateKey);
      return { token, expiresAt: new Date(expiresAtSeconds * 1000) };
    },
    async publicJwk() {
      return { ...(await getSigning()).publicJwk };
    },
  };
}

async function loadSigningKey(
  privateKeyPem: string,
): Promise<{ privateKey: CryptoKey; publicJwk: JWK }> {
  const privateKey = await importPKCS8(privateKeyPem, ACCESS_TOKEN_ALG, { extractable: true });
  const { d: _private, ...publicJwk } = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { privateKey, publicJwk: { ...publicJwk, kid, alg: ACCESS_TOKEN_ALG, use: 'sig' } };
}

/** Verifies signature, algorithm, issuer, audience and expiry; throws `AccessTokenError`. */
export async function verifyAccessToken(
  token: string,
  options: AccessTokenVerifyOptions,
): Promise<VerifiedAccessToken> {
  const publicKey = await importSPKI(options.publicKeyPem, ACCESS_TOKEN_ALG);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, publicKey, {
      algorithms: [ACCESS_TOKEN_ALG],
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ['sub', 'exp', 'sid', 'roles'],
      ...(options.now ? { currentDate: options.now } : {}),
    }));
  } catch (error) {
    throw new AccessTokenError(error instanceof errors.JWTExpired ? 'expired' : 'invalid', {
      cause: error,
    });
  }
  const { sub, sid, roles, exp } = payload;
  if (
    typeof sub !== 'string' ||
    typeof sid !== 'string' ||
    typeof exp !== 'number' ||
    !Array.isArray(roles) ||
    !roles.every((role): role is string => typeof role === 'string')
  ) {
    throw new AccessTokenError('invalid');
  }
  return { userId: sub, roles, sessionId: sid, expiresAt: new Date(exp * 1000) };
}

/** A fresh Ed25519 key pair as PEM (PKCS8 private, SPKI public), for dev start-up and tests. */
export async function generateSigningKeyPair(): Promise<{
  privateKeyPem: string;
  publicKeyPem: string;
}> {
  const { privateKey, publicKey } = await generateKeyPair(ACCESS_TOKEN_ALG, {
    crv: 'Ed25519',
    extractable: true,
  });
  return {
    privateKeyPem: await exportPKCS8(privateKey),
    publicKeyPem: await exportSPKI(publicKey),
  };
}
