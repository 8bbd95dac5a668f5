// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import pg from 'pg';
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

// A seller row whose account auth no longer knows (accounts go away through events, which
// arrive late or not at all): the page keeps the other sellers and names the missing one.
let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph({
    auth: (env) => startAuthService(parseAuthConfig(env)),
    users: (env) => startUsersService(parseUsersConfig(env)),
  });
});
afterAll(() => supergraph?.stop());

/** Removes the account from auth's database, as a deletion there would, leaving users' rows. */
async function forgetAccount(member: Member): Promise<void> {
  const database = supergraph.databases.auth;
  if (!database) throw new Error('auth has no database in this test');
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rowCount } = await client.query('DELETE FROM users WHERE id = $1', [member.id]);
    expect(rowCount).toBe(1);
  } finally {
    await client.end();
  }
}

const SELLERS = `query($first: Int!) {
  sellers(first: $first) { edges { node { fullName user { id username } } } }
}`;

interface SellersPage {
  sellers: { edges: { node: { fullName: string; user: { username: string } | null } }[] } | null;
}

describe('a reference to an entity its owner no longer knows', () => {
  it('drops that reference, not the page, and reports it as NOT_FOUND at its path', async () => {
    const members: Member[] = [];
    for (let i = 0; i < 3; i++) members.push(await signUpMember(supergraph.client));
    for (const member of members) await waitForBuyerProfile(member);
    for (const member of members) await becomeSeller(member);
    const [first, orphan, last] = members as [Member, Member, Member];

    const before = await supergraph.client.request<SellersPage>(SELLERS, { first: 10 });
    expect(before.errors).toEqual([]);
    await forgetAccount(orphan);

    const response = await supergraph.client.request<SellersPage>(SELLERS, { first: 10 });
    // Newest first: last, orphan, first.
    expect(response.data?.sellers?.edges.map(({ node }) => node)).toEqual([
      { fullName: `Seller ${last.username}`, user: { id: last.id, username: last.username } },
      { fullName: `Seller ${orphan.username}`, user: null },
      { fullName: `Seller ${first.username}`, user: { id: first.id, username: first.username } },
    ]);
    expect(response.errors).toEqual([
      {
        message: 'User not found: it may have been deleted.',
        path: ['sellers', 'edges', 1, 'node', 'user'],
        extensions: expect.objectContaining({ code: 'NOT_FOUND', subgraph: 'auth' }),
      },
    ]);
  });
});
