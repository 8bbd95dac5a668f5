// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import {
  becomeSeller,
  eventually,
  signUpMember,
  startTestSupergraph,
  statementCounter,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';

// Across subgraphs: auth and users behind the gateway, joined by events and entities.
let supergraph: TestSupergraph;
const statements = { auth: statementCounter(), users: statementCounter() };

beforeAll(async () => {
  supergraph = await startTestSupergraph({
    auth: (env) => startAuthService(parseAuthConfig(env), { onQuery: statements.auth.onQuery }),
    users: (env) => startUsersService(parseUsersConfig(env), { onQuery: statements.users.onQuery }),
  });
});
afterAll(() => supergraph?.stop());

const signUp = (country = 'NG') =>
  signUpMember(supergraph.client, { country, profilePictureUrl: 'https://cdn.example.com/me.png' });

const VIEWER = `{
  viewer {
    id username email emailVerified
    buyerProfile { country avatarUrl purchasedGigsCount }
    sellerProfile { fullName skills stats { gigCount ratingsCount } }
  }
}`;

describe('accounts and profiles through the gateway', () => {
  it('sign-up → auth.user.registered → buyer profile; viewer resolves across auth and users', async () => {
    const member = await signUp('KE');
    const viewer = await eventually(
      async () => {
        const data = await member.client.data<{ viewer: { buyerProfile: unknown } }>(VIEWER);
        return data.viewer.buyerProfile ? data.viewer : null;
      },
      { what: 'the buyer profile created from auth.user.registered' },
    );
    expect(viewer).toEqual({
      id: member.id,
      username: member.username,
      email: `${member.username}@example.com`,
      emailVerified: false,
      buyerProfile: {
        country: 'KE',
        avatarUrl: 'https://cdn.example.com/me.png',
        purchasedGigsCount: 0,
      },
      sellerProfile: null,
    });

    await becomeSeller(member);
    const after = await member.client.data<{ viewer: { sellerProfile: { fullName: string } } }>(
      VIEWER,
    );
    expect(after.viewer.sellerProfile).toEqual({
      fullName: `Seller ${member.username}`,
      skills: ['design', 'typescript'],
      stats: { gigCount: 0, ratingsCount: 0 },
    });
  });

  it('lists 50 sellers with their accounts in a fixed number of SQL statements per subgraph', async () => {
    const members: Awaited<ReturnType<typeof signUp>>[] = [];
    for (let i = 0; i < 50; i++) members.push(await signUp());
    await eventually(
      async () => {
        const data = await members[49]?.client.data<{ viewer: { buyerProfile: unknown } }>(VIEWER);
        return data?.viewer.buyerProfile;
      },
      { what: 'the 50th buyer profile' },
    );
    for (const member of members) await becomeSeller(member);

    const SELLERS = `query($first: Int!) {
      sellers(first: $first) {
        edges { node { fullName user { id username buyerProfile { country } } } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
    const measure = async (first: number) => {
      statements.auth.reset();
      statements.users.reset();
      const data = await supergraph.client.data<{
        sellers: {
          edges: { node: { user: { username: string; buyerProfile: { country: string } } } }[];
        };
      }>(SELLERS, { first });
      return { data, auth: statements.auth.count, users: statements.users.count };
    };

    const ten = await measure(10);
    const fifty = await measure(50);
    expect(fifty.data.sellers.edges).toHaveLength(50);
    expect(
      fifty.data.sellers.edges.every((edge) => edge.node.user.username.startsWith('member_')),
    ).toBe(true);
    expect(
      fifty.data.sellers.edges.every((edge) => edge.node.user.buyerProfile.country === 'NG'),
    ).toBe(true);
    // auth: one batched `_entities` lookup of 50 users; users: the page, then one batched lookup of
    // the 50 buyer profiles. The same for 10 as for 50: nothing is loaded per item.
    expect({ auth: fifty.auth, users: fifty.users }).toEqual({ auth: ten.auth, users: ten.users });
    expect(fifty.auth).toBe(1);
    expect(fifty.users).toBe(2);
  });
});
