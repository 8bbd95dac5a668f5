// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { parseGigsConfig, startGigsService } from '@jobber/gigs';
import {
  errorCodes,
  eventually,
  startTestSupergraph,
  statementCounter,
  type Member,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';
import { CREATE_GIG, gigInput, signUpSeller } from './gigs-helpers.js';

// Search through the gateway: a page of 10 and of 50 cost the same statements in every subgraph,
// and paused or deleted gigs never show.
let supergraph: TestSupergraph;
const statements = {
  auth: statementCounter(),
  users: statementCounter(),
  gigs: statementCounter(),
};
const sellers: Member[] = [];
const gigIds: string[] = [];

const SEARCH_PAGE = `query($first: Int!) {
  searchGigs(first: $first, sort: NEWEST) {
    totalCount
    edges { node { title seller { username sellerProfile { fullName } } } }
  }
}`;
const SEARCH_IDS = `query($query: String, $category: String, $first: Int, $after: String, $sort: GigSort) {
  searchGigs(query: $query, category: $category, first: $first, after: $after, sort: $sort) {
    totalCount facets { category count }
    edges { node { id title } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface SearchPage {
  searchGigs: {
    totalCount: number;
    facets: { category: string; count: number }[];
    edges: { node: { id: string; title: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const search = async (variables: Record<string, unknown>) =>
  (await supergraph.client.data<SearchPage>(SEARCH_IDS, variables)).searchGigs;

beforeAll(async () => {
  supergraph = await startTestSupergraph({
    auth: (env) => startAuthService(parseAuthConfig(env), { onQuery: statements.auth.onQuery }),
    users: (env) => startUsersService(parseUsersConfig(env), { onQuery: statements.users.onQuery }),
    gigs: (env) => startGigsService(parseGigsConfig(env), { onQuery: statements.gigs.onQuery }),
  });
  for (let i = 0; i < 5; i++) sellers.push(await signUpSeller(supergraph));
  for (const [s, seller] of sellers.entries()) {
    for (let i = 0; i < 11; i++) {
      const data = await seller.client.data<{ createGig: { id: string } }>(CREATE_GIG, {
        input: gigInput({
          title: `Seller ${s} gig number ${i} logo design`,
          ...(i % 2 === 1
            ? { category: 'programming-tech', subCategory: 'web-development', tags: ['react'] }
            : {}),
        }),
      });
      gigIds.push(data.createGig.id);
    }
  }
  await eventually(async () => (await search({ first: 1 })).totalCount === 55, {
    timeoutMs: 30_000,
    what: 'all 55 gigs in the search index',
  });
}, 120_000);
afterAll(() => supergraph?.stop());

describe('searchGigs through the gateway', () => {
  it('costs the same SQL statements per subgraph for 10 and for 50 results', async () => {
    const cost = async (first: number) => {
      for (const counter of Object.values(statements)) counter.reset();
      const data = await supergraph.client.data<{
        searchGigs: {
          edges: { node: { seller: { sellerProfile: { fullName: string } | null } | null } }[];
        };
      }>(SEARCH_PAGE, { first });
      expect(data.searchGigs.edges).toHaveLength(first);
      expect(data.searchGigs.edges.every((edge) => edge.node.seller?.sellerProfile?.fullName)).toBe(
        true,
      );
      return {
        auth: statements.auth.count,
        users: statements.users.count,
        gigs: statements.gigs.count,
      };
    };
    const ten = await cost(10);
    const fifty = await cost(50);
    expect(fifty).toEqual(ten);
    // The page and the counts (two statements run at once), then the gigs in one batch.
    expect(ten.gigs).toBeLessThanOrEqual(3);
  });

  it('finds by words, with a typo, as a prefix, and counts facets', async () => {
    const words = await search({ query: 'logo design', first: 100 });
    expect(words.totalCount).toBe(55);
    expect(words.facets).toEqual([
      { category: 'graphics-design', count: 30 },
      { category: 'programming-tech', count: 25 },
    ]);
    expect((await search({ query: 'desgin', first: 1 })).totalCount).toBe(55);
    expect((await search({ query: 'seller 3 gig numb', first: 1 })).totalCount).toBeGreaterThan(0);
    const web = await search({ query: 'logo', category: 'web-development', first: 100 });
    expect(web.totalCount).toBe(25);
    expect(web.facets).toHaveLength(2);
  });

  it('pages with cursors; a cursor of another sort is BAD_USER_INPUT on after', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: SearchPage['searchGigs'] = await search({ first: 20, after, sort: 'PRICE_ASC' });
      seen.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(55);
    const first = await search({ first: 1, sort: 'NEWEST' });
    const wrong = await supergraph.client.request(SEARCH_IDS, {
      first: 1,
      sort: 'RATING',
      after: first.pageInfo.endCursor,
    });
    expect(errorCodes(wrong)).toEqual(['BAD_USER_INPUT']);
    expect(wrong.errors[0]?.extensions?.['field']).toBe('after');
  });

  it.each([
    ['first', { first: 101 }],
    ['category', { category: 'nope' }],
    ['after', { after: 'garbage!' }],
  ])('bad input: BAD_USER_INPUT on %s', async (field, variables) => {
    const response = await supergraph.client.request(SEARCH_IDS, variables);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors[0]?.extensions?.['field']).toBe(field);
  });

  it('never returns paused or deleted gigs, in search, similar or top rated', async () => {
    const [owner] = sellers as [Member];
    const [paused, deleted, kept] = gigIds as [string, string, string];
    await owner.client.data(`mutation($id: ID!) { setGigActive(id: $id, active: false) { id } }`, {
      id: paused,
    });
    await owner.client.data(`mutation($id: ID!) { deleteGig(id: $id) }`, { id: deleted });
    const ids = async () => (await search({ first: 100 })).edges.map((edge) => edge.node.id);
    // The table answers at once (resolvers re-check it), whatever the index has caught up with.
    expect(await ids()).not.toContain(paused);
    expect(await ids()).not.toContain(deleted);
    await eventually(async () => (await search({ first: 1 })).totalCount === 53, {
      what: 'the index without the paused and the deleted gig',
    });
    const similar = await supergraph.client.data<{ similarGigs: { id: string }[] }>(
      'query($id: ID!) { similarGigs(gigId: $id, first: 100) { id } }',
      { id: kept },
    );
    expect(similar.similarGigs.length).toBeGreaterThan(0);
    expect(similar.similarGigs.map((gig) => gig.id)).not.toContain(paused);
    expect(similar.similarGigs.map((gig) => gig.id)).not.toContain(kept);
    const rated = await supergraph.client.data<{ topRatedGigs: unknown[] }>(
      '{ topRatedGigs(first: 10) { id } categories { slug subCategories { slug } } }',
    );
    expect(rated.topRatedGigs).toEqual([]);
  });
});
