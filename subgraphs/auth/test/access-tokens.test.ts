import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AccessTokenError,
  createAccessTokenIssuer,
  generateSigningKeyPair,
  verifyAccessToken,
} from '../src/access-tokens.js';

const issuer = 'jobber-auth';
const audience = 'jobber';
const claims = { userId: 'user-1', roles: ['buyer', 'seller'], sessionId: 'session-1' };

let keys: { privateKeyPem: string; publicKeyPem: string };
beforeAll(async () => {
  keys = await generateSigningKeyPair();
});

async function rejectionOf(promise: Promise<unknown>): Promise<AccessTokenError> {
  const error = await promise.then(
    () => new Error('expected the token to be refused'),
    (caught: unknown) => caught,
  );
  if (!(error instanceof AccessTokenError)) throw error;
  return error;
}

describe('access tokens', () => {
  it('generates Ed25519 PEM key pairs', () => {
    expect(keys.privateKeyPem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(keys.publicKeyPem).toContain('-----BEGIN PUBLIC KEY-----');
  });

  it('round-trips the claims with a 15-minute expiry', async () => {
    const before = Date.now();
    const tokens = createAccessTokenIssuer({ privateKeyPem: keys.privateKeyPem, issuer, audience });
    const { token, expiresAt } = await tokens.issue(claims);

    const verified = await verifyAccessToken(token, {
      publicKeyPem: keys.publicKeyPem,
      issuer,
      audience,
    });
    expect(verified).toEqual({ ...claims, expiresAt });
    expect(expiresAt.getTime() - before).toBeGreaterThan(14 * 60_000);
    expect(expiresAt.getTime() - before).toBeLessThanOrEqual(15 * 60_000 + 1000);

    const payload = decodeJwt(token);
    expect(payload).toMatchObject({ sub: 'user-1', sid: 'session-1', iss: issuer, aud: audience });
    expect(payload.roles).toEqual(['buyer', 'seller']);
    expect(typeof payload.jti).toBe('string');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(900);
    expect(decodeJwt((await tokens.issue(claims)).token).jti).not.toBe(payload.jti);
  });

  it('publishes a public JWK that verifies its tokens and is named in their header', async () => {
    const tokens = createAccessTokenIssuer({ privateKeyPem: keys.privateKeyPem, issuer, audience });
    const jwk = await tokens.publicJwk();
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(jwk).not.toHaveProperty('d');
    const { token } = await tokens.issue(claims);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: jwk.kid });
    const { payload } = await jwtVerify(token, await importJWK(jwk, 'EdDSA'), { issuer, audience });
    expect(payload.sub).toBe('user-1');
  });

  it('refuses an expired token as expired', async () => {
    const issuedAt = new Date(Date.now() - 16 * 60_000);
    const tokens = createAccessTokenIssuer({
      privateKeyPem: keys.privateKeyPem,
      issuer,
      audience,
      now: () => issuedAt,
    });
    const { token, expiresAt } = await tokens.issue(claims);
    expect(expiresAt.getTime()).toBeLessThan(Date.now());
    const options = { publicKeyPem: keys.publicKeyPem, issuer, audience };
    expect((await rejectionOf(verifyAccessToken(token, options))).reason).toBe('expired');
    // The same token was good while it was young.
    const young = new Date(issuedAt.getTime() + 60_000);
    await expect(verifyAccessToken(token, { ...options, now: young })).resolves.toMatchObject(
      claims,
    );
  });

  it('honours a custom lifetime', async () => {
    const issuedAt = new Date('2026-11-25T12:00:00Z');
    const tokens = createAccessTokenIssuer({
      privateKeyPem: keys.privateKeyPem,
      issuer,
      audience,
      ttlSeconds: 60,
      now: () => issuedAt,
    });
    const { token, expiresAt } = await tokens.issue(claims);
    expect(expiresAt).toEqual(new Date(issuedAt.getTime() + 60_000));
    const options = { publicKeyPem: keys.publicKeyPem, issuer, audience };
    await expect(
      verifyAccessToken(token, { ...options, now: new Date(issuedAt.getTime() + 59_000) }),
    ).resolves.toMatchObject(claims);
    const late = new Date(issuedAt.getTime() + 61_000);
    expect((await rejectionOf(verifyAccessToken(token, { ...options, now: late }))).reason).toBe(
      'expired',
    );
  });

  it('refuses a token signed with another key, or for another issuer or audience', async () => {
    const other = await generateSigningKeyPair();
    const forged = await createAccessTokenIssuer({
      privateKeyPem: other.privateKeyPem,
      issuer,
      audience,
    }).issue(claims);
    const options = { publicKeyPem: keys.publicKeyPem, issuer, audience };
    expect((await rejectionOf(verifyAccessToken(forged.token, options))).reason).toBe('invalid');

    const { token } = await createAccessTokenIssuer({
      privateKeyPem: keys.privateKeyPem,
      issuer,
      audience,
    }).issue(claims);
    const wrongIssuer = { ...options, issuer: 'someone-else' };
    expect((await rejectionOf(verifyAccessToken(token, wrongIssuer))).reason).toBe('invalid');
    const wrongAudience = { ...options, audience: 'other-app' };
    expect((await rejectionOf(verifyAccessToken(token, wrongAudience))).reason).toBe('invalid');
  });

  it('refuses tampered and unsigned tokens', async () => {
    const { token } = await createAccessTokenIssuer({
      privateKeyPem: keys.privateKeyPem,
      issuer,
      audience,
    }).issue(claims);
    const options = { publicKeyPem: keys.publicKeyPem, issuer, audience };
    const [header, payload, signature] = token.split('.');
    const elevated = Buffer.from(
      JSON.stringify({ ...decodeJwt(token), roles: ['admin'] }),
    ).toString('base64url');
    expect(payload).not.toBe(elevated);
    const tampered = `${header}.${elevated}.${signature}`;
    expect((await rejectionOf(verifyAccessToken(tampered, options))).reason).toBe('invalid');

    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const unsigned = `${none}.${elevated}.`;
    expect((await rejectionOf(verifyAccessToken(unsigned, options))).reason).toBe('invalid');
    expect((await rejectionOf(verifyAccessToken('not a jwt', options))).reason).toBe('invalid');
  });
});
