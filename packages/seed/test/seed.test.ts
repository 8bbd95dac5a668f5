// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { parseChatConfig, startChatService } from '@jobber/chat';
import { parseGigsConfig, startGigsService } from '@jobber/gigs';
import { parseOrdersConfig, startOrdersService } from '@jobber/orders';
import { parseReviewsConfig, startReviewsService } from '@jobber/reviews';
import { startTestSupergraph, type TestSupergraph } from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';
import type { SeedOptions } from '../src/args.js';
import type { SeedStep } from '../src/context.js';
import { planMembers, SEED_PASSWORD } from '../src/people.js';
import { runSeed, type SeedResult } from '../src/run.js';

// The seed against a real supergraph (every subgraph; events on RabbitMQ), small.
let supergraph: TestSupergraph;
let result: SeedResult;
const output: string[] = [];
const out = { write: (text: string) => output.push(text) };
const options: SeedOptions = {
  seed: 42,
  sizes: { buyers: 20, sellers: 8, gigs: 30, conversations: 12, orders: 40 },
  concurrency: 4,
};
const target = () => ({
  gatewayUrl: supergraph.gatewayUrl,
  authDatabaseUrls: [supergraph.databases.auth?.url ?? ''],
});

beforeAll(async () => {
  supergraph = await startTestSupergraph(
    {
      auth: (env) => startAuthService(parseAuthConfig(env)),
      users: (env) => startUsersService(parseUsersConfig(env)),
      gigs: (env) => startGigsService(parseGigsConfig(env)),
      chat: (env) => startChatService(parseChatConfig(env)),
      orders: (env) => startOrdersService(parseOrdersConfig(env)),
      reviews: (env) => startReviewsService(parseReviewsConfig(env)),
    },
    // The seed reads the API's root fields by introspection (development, or the playground on).
    { gatewayEnv: { PLAYGROUND: 'true' } },
  );
  result = await runSeed(target(), options, out);
}, 120_000);
afterAll(() => supergraph?.stop());

const SELLER = `query($username: String!) {
  seller(username: $username) {
    fullName oneliner skills languages { language level } responseTimeHours
    user { username buyerProfile { country } }
  }
}`;

describe('npm run seed', () => {
  it('makes the buyers and sellers it reports, through the API', async () => {
    expect(result.made).toMatchObject({ sellers: 8, buyers: 20 });
    expect(result.members.sellers).toHaveLength(8);
    expect(result.members.buyers).toHaveLength(20);

    const sellers = await supergraph.client.data<{ sellers: { edges: unknown[] } }>(
      '{ sellers(first: 100) { edges { node { fullName } } } }',
    );
    expect(sellers.sellers.edges).toHaveLength(8);
    for (const member of result.members.sellers) {
      const data = await supergraph.client.data<{ seller: Record<string, unknown> }>(SELLER, {
        username: member.username,
      });
      const planned = member.seller;
      expect(data.seller).toEqual({
        fullName: planned?.fullName,
        oneliner: planned?.oneliner,
        skills: planned?.skills,
        languages: planned?.languages,
        responseTimeHours: planned?.responseTimeHours,
        user: { username: member.username, buyerProfile: { country: member.country } },
      });
    }
    // Every buyer's profile arrived by event and the session the seed holds works.
    for (const member of result.members.buyers) {
      const data = await supergraph.client
        .as({ token: member.accessToken })
        .data<{ viewer: { username: string; buyerProfile: { country: string } | null } }>(
          '{ viewer { username buyerProfile { country } } }',
        );
      expect(data.viewer).toEqual({
        username: member.username,
        buyerProfile: { country: member.country },
      });
    }
  });

  it('publishes the gigs over every sub-category as the sellers, a few paused', async () => {
    const { categories } = await supergraph.client.data<{
      categories: { subCategories: { slug: string }[] }[];
    }>('{ categories { subCategories { slug } } }');
    const gigs: { id: string; active: boolean; subCategory: string; sellerId: string }[] = [];
    for (const seller of result.members.sellers) {
      const data = await supergraph.client.as({ token: seller.accessToken }).data<{
        viewer: {
          gigs: { edges: { node: { id: string; active: boolean; subCategory: string } }[] };
        };
      }>('{ viewer { gigs(first: 100) { edges { node { id active subCategory } } } } }');
      gigs.push(...data.viewer.gigs.edges.map(({ node }) => ({ ...node, sellerId: seller.id })));
    }
    expect(gigs).toHaveLength(30);
    expect(new Set(gigs.map((gig) => gig.subCategory))).toEqual(
      new Set(categories.flatMap((category) => category.subCategories.map((sub) => sub.slug))),
    );
    expect(new Set(gigs.map((gig) => gig.sellerId)).size).toBe(8);
    expect(gigs.filter((gig) => !gig.active)).toHaveLength(result.made['paused gigs'] ?? -1);
    expect(
      result.gigs.map((gig) => ({ id: gig.id, active: gig.active, sellerId: gig.seller.id })),
    ).toEqual(
      expect.arrayContaining(gigs.map(({ id, active, sellerId }) => ({ id, active, sellerId }))),
    );
  });

  it('holds the conversations, messages, offers and reads it reports, seen by the buyers', async () => {
    const seen = { conversations: 0, messages: 0, offers: 0, declined: 0, cancelled: 0, read: 0 };
    for (const buyer of result.members.buyers) {
      const data = await supergraph.client.as({ token: buyer.accessToken }).data<{
        conversations: {
          pageInfo: { hasNextPage: boolean };
          edges: {
            node: {
              gig: { id: string } | null;
              unreadCount: number;
              messages: {
                pageInfo: { hasNextPage: boolean };
                edges: { node: { offer: { state: string } | null } }[];
              };
            };
          }[];
        };
      }>(
        `{ conversations(first: 10) { pageInfo { hasNextPage } edges { node { gig { id } unreadCount
            messages(first: 10) { pageInfo { hasNextPage } edges { node { offer { state } } } } } } } }`,
      );
      // Pages small enough for the gateway's cost limit, and none left over.
      expect(data.conversations.pageInfo.hasNextPage).toBe(false);
      for (const { node } of data.conversations.edges) {
        expect(node.messages.pageInfo.hasNextPage).toBe(false);
        seen.conversations++;
        // Every conversation has messages to both sides: none unread means that side read it.
        if (node.unreadCount === 0) seen.read++;
        seen.messages += node.messages.edges.length;
        for (const { node: message } of node.messages.edges) {
          if (!message.offer) continue;
          seen.offers++;
          if (message.offer.state === 'DECLINED') seen.declined++;
          if (message.offer.state === 'CANCELLED') seen.cancelled++;
        }
      }
    }
    for (const seller of result.members.sellers) {
      const data = await supergraph.client.as({ token: seller.accessToken }).data<{
        conversations: { edges: { node: { unreadCount: number } }[] };
      }>('{ conversations(first: 50) { edges { node { unreadCount } } } }');
      seen.read += data.conversations.edges.filter(({ node }) => node.unreadCount === 0).length;
    }
    expect(seen).toEqual({
      conversations: 12,
      read: result.made['read conversations'],
      messages: result.made['messages'],
      offers: result.made['offers'],
      declined: result.made['declined offers'],
      cancelled: result.made['cancelled offers'],
    });
    expect(result.made['messages']).toBeGreaterThanOrEqual(24);
  });

  it('holds the orders in every state and the reviews it reports, seen by their people', async () => {
    const statuses: Record<string, number> = {};
    for (const seller of result.members.sellers) {
      const data = await supergraph.client.as({ token: seller.accessToken }).data<{
        viewer: {
          orders: { pageInfo: { hasNextPage: boolean }; edges: { node: { status: string } }[] };
          reviewsReceived: { edges: { node: { kind: string; reply: unknown } }[] };
        };
      }>(
        `{ viewer { orders(role: SELLER, first: 50) { pageInfo { hasNextPage } edges { node { status } } }
            reviewsReceived(first: 50) { edges { node { kind reply { body } } } } } }`,
      );
      expect(data.viewer.orders.pageInfo.hasNextPage).toBe(false);
      for (const { node } of data.viewer.orders.edges) {
        statuses[node.status] = (statuses[node.status] ?? 0) + 1;
      }
      const received = data.viewer.reviewsReceived.edges.map(({ node }) => node);
      expect(received.every((review) => review.kind === 'BUYER_TO_SELLER')).toBe(true);
    }
    const made = (status: string) =>
      result.made[`${status.toLowerCase().replace('_', ' ')} orders`];
    for (const status of [
      'PENDING_PAYMENT',
      'PLACED',
      'IN_PROGRESS',
      'DELIVERED',
      'COMPLETED',
      'CANCELLED',
    ]) {
      expect(statuses[status], status).toBe(made(status));
      expect(statuses[status], status).toBeGreaterThan(0);
    }
    expect(result.made['orders from offers']).toBeGreaterThan(0);
    let ofBuyers = 0;
    for (const buyer of result.members.buyers) {
      const data = await supergraph.client.as({ token: buyer.accessToken }).data<{
        viewer: { reviewsReceived: { edges: unknown[] } };
      }>('{ viewer { reviewsReceived(kind: SELLER_TO_BUYER, first: 50) { edges { cursor } } } }');
      ofBuyers += data.viewer.reviewsReceived.edges.length;
    }
    expect(ofBuyers).toBe(result.made['reviews of buyers']);
    expect(result.made['reviews of sellers']).toBeGreaterThan(0);
  });

  it('makes the same members from the same seed number, and others from another', () => {
    const planned = planMembers(42, options.sizes);
    expect(planMembers(42, options.sizes)).toEqual(planned);
    // What it made is what the seed number says (a fresh database: no name was taken).
    expect(result.members.sellers.map((m) => m.username)).toEqual(
      planned.sellers.map((m) => m.username),
    );
    expect(result.members.buyers.map((m) => m.username)).toEqual(
      planned.buyers.map((m) => m.username),
    );
    expect(result.members.sellers.map((m) => m.seller)).toEqual(
      planned.sellers.map((m) => m.seller),
    );
    const other = planMembers(43, options.sizes);
    expect(other.sellers.map((m) => m.username)).not.toEqual(
      planned.sellers.map((m) => m.username),
    );
  });

  it('prints what it made, the shared password and a few usernames to sign in as', () => {
    const printed = output.join('');
    expect(printed).toContain('members: 8 sellers, 20 buyers in');
    expect(printed).toMatch(/gigs: 30 gigs, \d+ paused gigs in/);
    expect(printed).toMatch(/conversations: 12 conversations, \d+ messages, \d+ offers/);
    expect(printed).toMatch(/Made 8 sellers, 20 buyers, 30 gigs, .*12 conversations.* in [\d.]+ s/);
    expect(printed).toContain(SEED_PASSWORD);
    expect(printed).toContain(result.members.sellers[0]?.username);
    // Not a terminal: plain lines, no redrawing.
    expect(printed).not.toContain('\r');
  });

  it('signs in with the seed password', async () => {
    const member = result.members.buyers[0];
    const data = await supergraph.client.data<{ signIn: { __typename: string } }>(
      `mutation($input: SignInInput!) { signIn(input: $input) { __typename } }`,
      {
        input: {
          emailOrUsername: member?.username,
          password: SEED_PASSWORD,
          deviceSecret: member?.deviceSecret,
        },
      },
    );
    expect(data.signIn.__typename).toBe('AuthSession');
  });

  it('refuses a second run of the same seed and makes nothing', async () => {
    await expect(runSeed(target(), options, out)).rejects.toThrow(
      /The marketplace of seed 42 is already here/,
    );
    const sellers = await supergraph.client.data<{ sellers: { edges: unknown[] } }>(
      '{ sellers(first: 100) { edges { cursor } } }',
    );
    expect(sellers.sellers.edges).toHaveLength(8);
  });

  it('skips, with a line, a step whose subgraph is not in the API yet', async () => {
    let ran = false;
    const auctions: SeedStep = {
      name: 'auctions',
      needs: ['placeBid'],
      total: () => 1,
      run: async () => {
        ran = true;
      },
    };
    const lines: string[] = [];
    const skipped = await runSeed(target(), options, { write: (t) => lines.push(t) }, [auctions]);
    expect(ran).toBe(false);
    expect(skipped.skipped).toEqual(['auctions']);
    expect(lines.join('')).toContain('auctions: skipped (the API has no placeBid yet)');
  });
});
