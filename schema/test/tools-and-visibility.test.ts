// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { getIntrospectionQuery } from 'graphql';
import { sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import {
  becomeSeller,
  signUpMember,
  startTestSupergraph,
  waitForBuyerProfile,
  type Member,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';

// Issue 13, item 7: the limits leave tools working, and accounts show their own fields only.
// A development gateway: introspection is on here (and off in production, gateway.test.ts).
let supergraph: TestSupergraph;
let ada: Member;
let bob: Member;

beforeAll(async () => {
  supergraph = await startTestSupergraph(
    {
      auth: (env) => startAuthService(parseAuthConfig(env)),
      users: (env) => startUsersService(parseUsersConfig(env)),
    },
    { gatewayEnv: { NODE_ENV: 'development' } },
  );
  ada = await signUpMember(supergraph.client);
  bob = await signUpMember(supergraph.client);
  await waitForBuyerProfile(ada);
  await becomeSeller(ada);
});
afterAll(() => supergraph?.stop());

describe('tools and visibility (issue 13, item 7)', () => {
  it("answers graphql-js's standard introspection query (15 levels deep) in development", async () => {
    const response = await supergraph.client.request<{ __schema: { types: { name: string }[] } }>(
      getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }),
    );
    expect(response.errors).toEqual([]);
    expect(response.data?.__schema.types.map((type) => type.name)).toContain('SellerProfile');
    // The depth limit for the rest stays: 14 levels of fields are refused.
    const nest = (levels: number): string =>
      levels === 0 ? 'id' : `sellerProfile { user { ${nest(levels - 1)} } }`;
    const deep = await supergraph.client.request(`{ viewer { ${nest(6)} } }`);
    expect(deep.errors[0]?.extensions).toMatchObject({ code: 'BAD_REQUEST', limit: 'depth' });
  });

  it('refuses an access token without an expiry', async () => {
    // Signed with auth's real key and valid in every other way, but with no `exp` claim.
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'EdDSA' })}.${part({
      iss: 'jobber-auth',
      aud: 'jobber',
      sub: bob.id,
      roles: ['USER'],
      sid: crypto.randomUUID(),
      iat: Math.floor(Date.now() / 1000),
    })}`;
    const signature = sign(null, Buffer.from(unsigned), supergraph.keys.accessTokens.privateKeyPem);
    const forever = `${unsigned}.${signature.toString('base64url')}`;
    const response = await supergraph.client.request('{ viewer { id } }', {}, { token: forever });
    expect(response.status).toBe(401);
    expect(response.errors[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  it("shows roles, emailVerified and createdAt to the account's owner only, keeping the page", async () => {
    const ACCOUNT = 'user { id username email emailVerified roles createdAt }';
    const query = `query($u: String!) { seller(username: $u) { fullName ${ACCOUNT} } }`;
    for (const [who, client] of [
      ['anonymous', supergraph.client],
      ['another member', bob.client],
    ] as const) {
      const response = await client.request(query, { u: ada.username });
      expect(response.errors, who).toEqual([]);
      expect(response.data, who).toEqual({
        seller: {
          fullName: `Seller ${ada.username}`,
          user: {
            id: ada.id,
            username: ada.username,
            email: null,
            emailVerified: null,
            roles: null,
            createdAt: null,
          },
        },
      });
    }
    const own = await ada.client.data<{ seller: { user: Record<string, unknown> } }>(query, {
      u: ada.username,
    });
    expect(own.seller.user).toEqual({
      id: ada.id,
      username: ada.username,
      email: ada.email,
      emailVerified: true,
      roles: ['USER'],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const viewer = await ada.client.data<{ viewer: Record<string, unknown> }>(
      '{ viewer { roles emailVerified } }',
    );
    expect(viewer.viewer).toEqual({ roles: ['USER'], emailVerified: true });
  });
});
