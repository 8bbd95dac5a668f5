import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAccessTokenVerifier } from '../src/access-tokens.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const settings = {
  publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  issuer: 'jobber-auth',
  audience: 'jobber',
};
const verifier = createAccessTokenVerifier(settings);

async function token(
  overrides: {
    iss?: string;
    aud?: string;
    sub?: string | null;
    exp?: number | null;
    key?: string;
  } = {},
) {
  const jwt = new SignJWT({ roles: ['USER', 42], sid: 's1' })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer(overrides.iss ?? 'jobber-auth')
    .setAudience(overrides.aud ?? 'jobber');
  if (overrides.exp !== null)
    jwt.setExpirationTime(overrides.exp ?? Math.floor(Date.now() / 1000) + 60);
  if (overrides.sub !== null) jwt.setSubject(overrides.sub ?? 'user-1');
  return jwt.sign(await importPKCS8(overrides.key ?? privateKeyPem, 'EdDSA'));
}

describe('access-token verification', () => {
  it('gives the viewer of a valid token (string roles only)', async () => {
    expect(await verifier.verify(await token())).toEqual({ id: 'user-1', roles: ['USER'] });
  });

  it('refuses expired, foreign, mis-addressed and subject-less tokens', async () => {
    const other = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const refused = [
      await token({ exp: Math.floor(Date.now() / 1000) - 60 }),
      await token({ exp: null }),
      await token({ key: other }),
      await token({ iss: 'someone-else' }),
      await token({ aud: 'another-app' }),
      await token({ sub: null }),
      'not.a.jwt',
    ];
    for (const candidate of refused) expect(await verifier.verify(candidate)).toBeNull();
  });

  it('refuses an HMAC token (no algorithm confusion with the public key)', async () => {
    const hmac = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-1')
      .setIssuer('jobber-auth')
      .setAudience('jobber')
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode(settings.publicKeyPem));
    expect(await verifier.verify(hmac)).toBeNull();
  });
});
