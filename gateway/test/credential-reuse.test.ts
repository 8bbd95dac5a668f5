import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createInternalCredentialSigner,
  createInternalCredentialVerifier,
  type InternalCredentialSigner,
  type RequestIdentity,
} from '@jobber/service-kit';
import { ReusableCredentials } from '../src/executor/credential-reuse.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** The real signer, counting its signatures. */
function countingSigner(): InternalCredentialSigner & { count: number } {
  const signer = createInternalCredentialSigner({ privateKeyPem });
  const counting = {
    count: 0,
    sign: (audience: string, identity: RequestIdentity) => {
      counting.count += 1;
      return signer.sign(audience, identity);
    },
  };
  return counting;
}

const ada: RequestIdentity = {
  viewer: { id: 'u-ada', roles: ['USER'] },
  client: { ip: '203.0.113.9', userAgent: 'UA', deviceId: 'd1' },
  requestId: 'r1',
};

describe('internal credentials reused per caller and subgraph', () => {
  it('signs once for the same caller and subgraph within the window; the subgraph verifies it', async () => {
    const signer = countingSigner();
    const credentials = new ReusableCredentials(signer, 20_000);
    const first = await credentials.get('users', ada);
    const second = await credentials.get('users', { ...ada, requestId: 'r2' });
    expect(second).toBe(first);
    expect(signer.count).toBe(1);
    const verified = await createInternalCredentialVerifier({
      publicKeyPem,
      audience: 'users',
    }).verify(second);
    expect(verified?.viewer).toEqual(ada.viewer);
    expect(verified?.client).toEqual(ada.client);
  });

  it('signs anew for anything the credential vouches for: subgraph, viewer, roles, client, service', async () => {
    const signer = countingSigner();
    const credentials = new ReusableCredentials(signer, 20_000);
    const variants: [string, RequestIdentity][] = [
      ['users', ada],
      ['auth', ada],
      ['users', { ...ada, viewer: { id: 'u-bob', roles: ['USER'] } }],
      ['users', { ...ada, viewer: { id: 'u-ada', roles: ['USER', 'ADMIN'] } }],
      ['users', { ...ada, viewer: null }],
      ['users', { ...ada, client: { ...ada.client, ip: '198.51.100.1' } }],
      ['users', { ...ada, client: { ...ada.client, userAgent: 'other' } }],
      ['users', { ...ada, client: { ...ada.client, deviceId: 'd2' } }],
      ['users', { ...ada, service: true }],
    ];
    const signed = new Set<string>();
    for (const [audience, identity] of variants)
      signed.add(await credentials.get(audience, identity));
    expect(signed.size).toBe(variants.length);
    expect(signer.count).toBe(variants.length);
  });

  it('signs anew once the window has passed, and every time when reuse is off', async () => {
    const signer = countingSigner();
    const credentials = new ReusableCredentials(signer, 30);
    await credentials.get('users', ada);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await credentials.get('users', ada);
    expect(signer.count).toBe(2);

    const off = countingSigner();
    const unshared = new ReusableCredentials(off, 0);
    await unshared.get('users', ada);
    await unshared.get('users', ada);
    expect(off.count).toBe(2);
  });

  it('forgets a signature that failed, so the next request tries again', async () => {
    let fail = true;
    const real = createInternalCredentialSigner({ privateKeyPem });
    const credentials = new ReusableCredentials(
      {
        sign: (audience, identity) =>
          fail ? Promise.reject(new Error('no key')) : real.sign(audience, identity),
      },
      20_000,
    );
    await expect(credentials.get('users', ada)).rejects.toThrow('no key');
    fail = false;
    await expect(credentials.get('users', ada)).resolves.toMatch(/^ey/);
  });

  it('keeps at most `max` callers', async () => {
    const signer = countingSigner();
    const credentials = new ReusableCredentials(signer, 20_000, 2);
    const caller = (id: string): RequestIdentity => ({ ...ada, viewer: { id, roles: ['USER'] } });
    await credentials.get('users', caller('a'));
    await credentials.get('users', caller('b'));
    await credentials.get('users', caller('c')); // a is dropped
    await credentials.get('users', caller('a'));
    expect(signer.count).toBe(4);
  });
});
