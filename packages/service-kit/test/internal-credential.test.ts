import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  AppError,
  createInternalCredentialSigner,
  createInternalCredentialVerifier,
  requireService,
} from '../src/index.js';

function keys() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

describe('internal credential', () => {
  const pair = keys();
  const identity = {
    viewer: { id: 'u1', roles: ['USER'] },
    client: { ip: '203.0.113.9', userAgent: 'UA', deviceId: null },
    requestId: 'req-1',
  };

  it('carries the viewer and client to the subgraph it was signed for', async () => {
    const token = await createInternalCredentialSigner({ privateKeyPem: pair.privateKeyPem }).sign(
      'users',
      identity,
    );
    const verified = await createInternalCredentialVerifier({
      publicKeyPem: pair.publicKeyPem,
      audience: 'users',
    }).verify(token);
    expect(verified).toEqual(identity);
  });

  it("marks the gateway's own calls as service calls, and no other", async () => {
    const signer = createInternalCredentialSigner({ privateKeyPem: pair.privateKeyPem });
    const verifier = createInternalCredentialVerifier({
      publicKeyPem: pair.publicKeyPem,
      audience: 'auth',
    });
    const own = { viewer: null, client: identity.client, requestId: 'catch-up', service: true };
    expect(await verifier.verify(await signer.sign('auth', own))).toEqual(own);
    const client = await verifier.verify(await signer.sign('auth', identity));
    expect(client?.service).toBeUndefined();
    expect(() => requireService(client ?? identity)).toThrow(AppError);
    expect(() => requireService(own)).not.toThrow();
  });

  it('is refused by other subgraphs, with another key, when expired, or when missing', async () => {
    const token = await createInternalCredentialSigner({ privateKeyPem: pair.privateKeyPem }).sign(
      'users',
      identity,
    );
    expect(
      await createInternalCredentialVerifier({
        publicKeyPem: pair.publicKeyPem,
        audience: 'auth',
      }).verify(token),
    ).toBeNull();
    expect(
      await createInternalCredentialVerifier({
        publicKeyPem: keys().publicKeyPem,
        audience: 'users',
      }).verify(token),
    ).toBeNull();
    const expired = await createInternalCredentialSigner({
      privateKeyPem: pair.privateKeyPem,
      ttlSeconds: -30,
    }).sign('users', identity);
    expect(
      await createInternalCredentialVerifier({
        publicKeyPem: pair.publicKeyPem,
        audience: 'users',
      }).verify(expired),
    ).toBeNull();
    expect(
      await createInternalCredentialVerifier({
        publicKeyPem: pair.publicKeyPem,
        audience: 'users',
      }).verify(undefined),
    ).toBeNull();
  });
  it('is a compact EdDSA JWT from the gateway that lasts ttlSeconds', async () => {
    const token = await createInternalCredentialSigner({
      privateKeyPem: pair.privateKeyPem,
      ttlSeconds: 45,
    }).sign('users', identity);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: 'jobber-gateway', aud: 'users', sub: 'u1', rid: 'req-1' });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(45);
    expect(Math.abs((claims.iat ?? 0) - Date.now() / 1000)).toBeLessThan(5);
  });
});
