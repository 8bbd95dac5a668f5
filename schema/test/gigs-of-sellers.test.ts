// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { parseGigsConfig, startGigsService } from '@jobber/gigs';
import {
  eventually,
  startTestSupergraph,
  statementCounter,
  type Member,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';
import { CREATE_GIG, gigInput, signUpSeller } from './gigs-helpers.js';

// `User.gigs` for a page of sellers: every seller's first gigs in one gigs statement, the same for
// 10 sellers as for 50 (a per-request loader, not one query per seller).
let supergraph: TestSupergraph;
const statements = {
  auth: statementCounter(),
  users: statementCounter(),
  gigs: statementCounter(),
};
/** Titles of each seller's active gigs, newest first. */
const titlesOf = new Map<string, string[]>();

const SELLERS_GIGS = `query($first: Int!) {
  sellers(first: $first) {
    edges { node { user { id gigs(first: 3) { edges { node { title } } pageInfo { hasNextPage } } } } }
  }
}`;

interface SellersGigs {
  sellers: {
    edges: {
      node: {
        user: {
          id: string;
          gigs: { edges: { node: { title: string } }[]; pageInfo: { hasNextPage: boolean } };
        } | null;
      };
    }[];
  };
}

beforeAll(async () => {
  supergraph = await startTestSupergraph({
    auth: (env) => startAuthService(parseAuthConfig(env), { onQuery: statements.auth.onQuery }),
    users: (env) => startUsersService(parseUsersConfig(env), { onQuery: statements.users.onQuery }),
    gigs: (env) => startGigsService(parseGigsConfig(env), { onQuery: statements.gigs.onQuery }),
  });
  const sellers: Member[] = [];
  for (let i = 0; i < 50; i += 5) {
    sellers.push(...(await Promise.all([0, 1, 2, 3, 4].map(() => signUpSeller(supergraph)))));
  }
  // Seller s has s % 5 gigs (0–4): some have none, some more than a page of 3. Seller 4's oldest
  // gig is paused: others never see it.
  for (const [s, seller] of sellers.entries()) {
    const titles: string[] = [];
    for (let i = 0; i < s % 5; i++) {
      const title = `Seller ${s} gig number ${i} logo design`;
      const data = await seller.client.data<{ createGig: { id: string } }>(CREATE_GIG, {
        input: gigInput({ title }),
      });
      if (s === 4 && i === 0) {
        await seller.client.data(
          `mutation($id: ID!) { setGigActive(id: $id, active: false) { id } }`,
          { id: data.createGig.id },
        );
      } else {
        titles.unshift(title);
      }
    }
    titlesOf.set(seller.id, titles);
  }
  // Let the events of the set-up settle (gigs' search index, users' gig counts), so their
  // consumers' statements do not mix into the counts below.
  const active = [...titlesOf.values()].reduce((sum, titles) => sum + titles.length, 0);
  await eventually(
    async () =>
      (
        await supergraph.client.data<{ searchGigs: { totalCount: number } }>(
          '{ searchGigs(first: 1) { totalCount } }',
        )
      ).searchGigs.totalCount === active,
    { timeoutMs: 30_000, what: `all ${active} active gigs in the search index` },
  );
  const last = sellers.at(-1) as Member;
  await eventually(
    async () =>
      (
        await last.client.data<{ viewer: { sellerProfile: { stats: { gigCount: number } } } }>(
          '{ viewer { sellerProfile { stats { gigCount } } } }',
        )
      ).viewer.sellerProfile.stats.gigCount === 4,
    { timeoutMs: 30_000, what: 'users’ gig count of the last seller' },
  );
}, 180_000);
afterAll(() => supergraph?.stop());

describe('User.gigs for a page of sellers', () => {
  it('reads every seller’s gigs in one gigs statement, the same for 10 and for 50 sellers', async () => {
    const cost = async (first: number) => {
      for (const counter of Object.values(statements)) counter.reset();
      const data = await supergraph.client.data<SellersGigs>(SELLERS_GIGS, { first });
      expect(data.sellers.edges).toHaveLength(first);
      for (const { node } of data.sellers.edges) {
        const titles = titlesOf.get(node.user?.id ?? '') ?? [];
        expect(node.user?.gigs.edges.map((edge) => edge.node.title)).toEqual(titles.slice(0, 3));
        expect(node.user?.gigs.pageInfo.hasNextPage).toBe(titles.length > 3);
      }
      return {
        auth: statements.auth.count,
        users: statements.users.count,
        gigs: statements.gigs.count,
      };
    };
    const ten = await cost(10);
    const fifty = await cost(50);
    expect(fifty, statements.gigs.statements.join('\n')).toEqual(ten);
    expect(fifty.gigs).toBe(1);
  });
});
