// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import {
  MEMBER_PASSWORD,
  becomeSeller,
  errorCodes,
  eventually,
  memberSignUpInput,
  signUpMember,
  startTestSupergraph,
  statementCounter,
  uniqueTag,
  waitForBuyerProfile,
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
      // completeSignUp took the emailed link: the address is verified.
      emailVerified: true,
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

  it("an attacker's sign-up with a member's address cannot tell it has an account, and changes nothing", async () => {
    const victim = await signUp('KE');
    await waitForBuyerProfile(victim);
    const attacker = supergraph.client.as({ headers: { 'user-agent': 'attacker/1.0' } });
    const SIGN_UP = `mutation($input: SignUpInput!) {
      signUp(input: $input) { __typename email expiresAt }
    }`;
    const attempt = async (email: string) => {
      const response = await fetch(supergraph.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'attacker/1.0' },
        body: JSON.stringify({
          query: SIGN_UP,
          variables: {
            input: {
              ...memberSignUpInput(`attacker_${uniqueTag()}`),
              email,
              password: 'the attacker’s own passphrase',
            },
          },
        }),
      });
      const text = await response.text();
      // What the attacker sees, with the address and the time (which differ anyway) blanked.
      return {
        status: response.status,
        type: response.headers.get('content-type'),
        body: text
          .replace(email.toLowerCase(), '<email>')
          .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/, '<time>'),
      };
    };
    const known = await attempt(victim.email.toUpperCase());
    const unknown = await attempt(`nobody_${uniqueTag()}@example.com`);
    expect(known).toEqual(unknown);
    expect(known.status).toBe(200);
    expect(JSON.parse(known.body)).toEqual({
      data: { signUp: { __typename: 'SignUpPayload', email: '<email>', expiresAt: '<time>' } },
    });

    // Nothing changed for the victim: the attacker's password does not sign in, the victim's
    // does (from the victim's device); no account or sign-up was made; the victim is told.
    const signIn = (password: string, deviceSecret?: string) =>
      attacker.request<{ signIn: { __typename: string } }>(
        `mutation($input: SignInInput!) { signIn(input: $input) { __typename } }`,
        { input: { emailOrUsername: victim.email, password, deviceSecret } },
      );
    expect(errorCodes(await signIn('the attacker’s own passphrase'))).toEqual(['UNAUTHENTICATED']);
    expect((await signIn(MEMBER_PASSWORD, victim.deviceSecret)).data?.signIn.__typename).toBe(
      'AuthSession',
    );
    const viewer = await victim.client.data<{ viewer: { id: string; emailVerified: boolean } }>(
      '{ viewer { id emailVerified } }',
    );
    expect(viewer.viewer).toEqual({ id: victim.id, emailVerified: true });
    const auth = new pg.Client({ connectionString: supergraph.databases.auth?.url });
    await auth.connect();
    try {
      const { rows } = await auth.query<{ users: number; pending: number; told: number }>(
        `SELECT (SELECT count(*)::int FROM users WHERE email = $1) AS users,
           (SELECT count(*)::int FROM pending_sign_ups WHERE email = $1) AS pending,
           (SELECT count(*)::int FROM outbox_events WHERE type = 'auth.sign_up.existing_email'
              AND payload->'data'->>'userId' = $2) AS told`,
        [victim.email, victim.id],
      );
      expect(rows[0]).toEqual({ users: 1, pending: 0, told: 1 });
    } finally {
      await auth.end();
    }
  });
});
