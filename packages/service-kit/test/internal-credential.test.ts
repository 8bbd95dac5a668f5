import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createInternalCredentialSigner, createInternalCredentialVerifier } from '../src/index.js';

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
});
