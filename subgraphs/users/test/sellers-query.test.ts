// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsersKit, failure, sellerInput, type TestAccount } from './users-kit.js';

const SELLER_COUNT = 50;
/** Every fifth seller lists Rust, spelled differently each time. */
const RUST_SPELLINGS = ['Rust', 'rust', 'RUST', 'RuSt'];

interface Edge {
  cursor: string;
  node: { user: { id: string } };
}
interface Page {
  sellers: { edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const PAGE = `query ($first: Int, $after: String, $skill: String) {
  sellers(first: $first, after: $after, skill: $skill) {
    edges { cursor node { user { id } skills createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('sellers and seller(username)', () => {
  let kit: UsersKit;
  let accounts: TestAccount[];
  /** User ids, newest seller first (as `sellers` must list them). */
  let newestFirst: string[];
  let rustSellers: string[];

  beforeAll(async () => {
    kit = await UsersKit.start();
    accounts = await kit.register(SELLER_COUNT);
    const created: { id: string; createdAt: string }[] = [];
    rustSellers = [];
    for (const [index, account] of accounts.entries()) {
      const rust = index % 5 === 0;
      const skills = rust
        ? ['Go', RUST_SPELLINGS[(index / 5) % RUST_SPELLINGS.length] ?? 'Rust']
        : ['Go', 'Trust building'];
      if (rust) rustSellers.push(account.id);
      const seller = await kit.becomeSeller(
        account,
        sellerInput({ skills, fullName: `Seller ${index}` }),
      );
      created.push({ id: account.id, createdAt: seller.createdAt });
    }
    newestFirst = created
      .sort((a, b) =>
        a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
      )
      .map((seller) => seller.id);
  });
  afterAll(async () => {
    await kit?.stop();
  });

  async function allPages(variables: Record<string, unknown>) {
    const pages: Page['sellers'][] = [];
    let after: string | null = null;
    do {
      const { sellers }: Page = await kit.client.data<Page>(PAGE, { ...variables, after });
      pages.push(sellers);
      after = sellers.pageInfo.hasNextPage ? sellers.pageInfo.endCursor : null;
    } while (after && pages.length < 20);
    return pages;
  }

  it('pages through every seller, newest first, with cursors', async () => {
    const pages = await allPages({ first: 20 });
    expect(pages.map((page) => page.edges.length)).toEqual([20, 20, 10]);
    expect(pages.map((page) => page.pageInfo.hasNextPage)).toEqual([true, true, false]);
    for (const page of pages) {
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor);
    }
    const ids = pages.flatMap((page) => page.edges.map((edge) => edge.node.user.id));
    expect(ids).toEqual(newestFirst);
  });

  it('continues after any edge cursor, and returns 20 by default', async () => {
    const { sellers: first } = await kit.client.data<Page>(PAGE, {});
    expect(first.edges).toHaveLength(20);
    const fifth = first.edges[4];
    const { sellers: rest } = await kit.client.data<Page>(PAGE, { first: 3, after: fifth?.cursor });
    expect(rest.edges.map((edge) => edge.node.user.id)).toEqual(newestFirst.slice(5, 8));
  });

  it('filters by skill, ignoring case, across pages', async () => {
    const pages = await allPages({ first: 4, skill: ' rUsT ' });
    expect(pages.map((page) => page.edges.length)).toEqual([4, 4, 2]);
    const ids = pages.flatMap((page) => page.edges.map((edge) => edge.node.user.id));
    expect(ids).toEqual(newestFirst.filter((id) => rustSellers.includes(id)));

    const { sellers: none } = await kit.client.data<Page>(PAGE, { skill: 'COBOL' });
    expect(none).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it.each([
    ['first over 100', { first: 101 }, 'first'],
    ['first of 0', { first: 0 }, 'first'],
    ['a malformed cursor', { after: 'definitely not a cursor' }, 'after'],
    ['a forged cursor', { after: Buffer.from('yesterday|me').toString('base64url') }, 'after'],
  ])('rejects %s with BAD_USER_INPUT', async (_case, variables, field) => {
    const response = await kit.client.request(PAGE, variables);
    expect(failure(response)).toEqual({ codes: ['BAD_USER_INPUT'], field });
  });

  describe('SQL statements per request (no per-item queries)', () => {
    async function statementsFor(query: string, variables: Record<string, unknown>) {
      kit.profileQueries.length = 0;
      const data = await kit.client.data(query, variables);
      return { data, statements: kit.profileQueries.length };
    }

    it('lists sellers with stats and user in one statement, for 10 or 50', async () => {
      const query = `query ($first: Int) {
        sellers(first: $first) { edges { node { fullName stats { gigCount } user { id } } } }
      }`;
      const ten = await statementsFor(query, { first: 10 });
      const fifty = await statementsFor(query, { first: 50 });
      expect(ten.statements).toBe(1);
      expect(fifty.statements).toBe(1);
      expect(JSON.stringify(fifty.data).match(/"gigCount":0/g)).toHaveLength(50);
    });

    it("adds one statement for the sellers' buyer profiles, for 10 or 50", async () => {
      const query = `query ($first: Int) {
        sellers(first: $first) {
          edges { node { fullName user { id buyerProfile { country } sellerProfile { fullName } } } }
        }
      }`;
      const ten = await statementsFor(query, { first: 10 });
      const fifty = await statementsFor(query, { first: 50 });
      expect(ten.statements).toBe(2);
      expect(fifty.statements).toBe(2);
      expect(JSON.stringify(fifty.data).match(/"country":"DE"/g)).toHaveLength(50);
    });

    it('resolves _entities for 50 users with one statement per profile kind', async () => {
      const unknown = randomUUID();
      const ids = [...accounts.map((account) => account.id), unknown, 'not-a-uuid'];
      kit.profileQueries.length = 0;
      const response = await kit.subgraphRequest<{
        _entities: {
          id: string;
          buyerProfile: { country: string } | null;
          sellerProfile: { fullName: string } | null;
        }[];
      }>(
        `query ($representations: [_Any!]!) {
          _entities(representations: $representations) {
            ... on User { id buyerProfile { country } sellerProfile { fullName } }
          }
        }`,
        { representations: ids.map((id) => ({ __typename: 'User', id })) },
      );
      expect(response.errors).toEqual([]);
      expect(kit.profileQueries).toHaveLength(2);
      const entities = response.data?._entities ?? [];
      expect(entities.map((entity) => entity.id)).toEqual(ids);
      accounts.forEach((account, index) => {
        expect(entities[index]).toEqual({
          id: account.id,
          buyerProfile: { country: 'DE' },
          sellerProfile: { fullName: `Seller ${index}` },
        });
      });
      expect(
        entities.slice(-2).map((entity) => [entity.buyerProfile, entity.sellerProfile]),
      ).toEqual([
        [null, null],
        [null, null],
      ]);
    });
  });

  describe('seller(username)', () => {
    const QUERY = `query ($username: String!) { seller(username: $username) { fullName user { id } } }`;

    it('finds a seller by username, in any case', async () => {
      const account = accounts[7];
      if (!account) throw new Error('no account');
      const { seller } = await kit.client.data<{ seller: unknown }>(QUERY, {
        username: account.username.toUpperCase(),
      });
      expect(seller).toEqual({ fullName: 'Seller 7', user: { id: account.id } });
    });

    it('answers null for an unknown username and for a buyer who is no seller', async () => {
      const buyer = await kit.registerOne();
      await kit.waitForBuyer(buyer);
      const unknown = await kit.client.data<{ seller: unknown }>(QUERY, {
        username: 'nobody_here',
      });
      expect(unknown.seller).toBeNull();
      const notSeller = await kit.client.data<{ seller: unknown }>(QUERY, {
        username: buyer.username,
      });
      expect(notSeller.seller).toBeNull();
    });
  });
});
