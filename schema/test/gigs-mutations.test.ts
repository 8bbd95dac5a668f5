// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { parseGigsConfig, startGigsService } from '@jobber/gigs';
import {
  errorCodes,
  eventually,
  signUpMember,
  startTestSupergraph,
  waitForBuyerProfile,
  type GraphQLClient,
  type Member,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';
import { CREATE_GIG, gigInput, signUpSeller } from './gigs-helpers.js';

// Gig mutations through the gateway: who may do what (anonymous, buyer without a seller profile,
// another seller, the owner), and field errors for bad input.
let supergraph: TestSupergraph;
let owner: Member;
let otherSeller: Member;
let buyer: Member;

beforeAll(async () => {
  supergraph = await startTestSupergraph({
    auth: (env) => startAuthService(parseAuthConfig(env)),
    users: (env) => startUsersService(parseUsersConfig(env)),
    gigs: (env) => startGigsService(parseGigsConfig(env)),
  });
  owner = await signUpSeller(supergraph);
  otherSeller = await signUpSeller(supergraph);
  buyer = await signUpMember(supergraph.client);
  await waitForBuyerProfile(buyer);
}, 60_000);
afterAll(() => supergraph?.stop());

const UPDATE = `mutation($id: ID!, $input: UpdateGigInput!) { updateGig(id: $id, input: $input) { id title } }`;
const SET_ACTIVE = `mutation($id: ID!, $active: Boolean!) { setGigActive(id: $id, active: $active) { id active } }`;
const DELETE = `mutation($id: ID!) { deleteGig(id: $id) }`;
const GIG = `query($id: ID!) { gig(id: $id) { id title active } }`;

async function createGig(client: GraphQLClient, overrides: Record<string, unknown> = {}) {
  const data = await client.data<{ createGig: { id: string } }>(CREATE_GIG, {
    input: gigInput(overrides),
  });
  return data.createGig.id;
}

describe('createGig', () => {
  it('anonymous: UNAUTHENTICATED; buyer without seller profile: FORBIDDEN', async () => {
    const anonymous = await supergraph.client.request(CREATE_GIG, { input: gigInput() });
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
    const notSeller = await buyer.client.request(CREATE_GIG, { input: gigInput() });
    expect(errorCodes(notSeller)).toEqual(['FORBIDDEN']);
  });

  it('a seller publishes a gig: it is theirs, active, unrated', async () => {
    const data = await owner.client.data<{ createGig: Record<string, unknown> }>(CREATE_GIG, {
      input: gigInput({
        tags: ['logo', 'Logo', 'branding'],
        coverImageUrl: 'https://cdn.example.com/a.png',
      }),
    });
    expect(data.createGig).toMatchObject({
      title: 'I will design a minimalist logo',
      category: 'graphics-design',
      subCategory: 'logo-design',
      tags: ['logo', 'branding'],
      price: { amountCents: 5_000, currency: 'USD' },
      active: true,
      rating: { count: 0, average: null, counts: { one: 0, five: 0 } },
      seller: { id: owner.id },
    });
  });

  it.each([
    ['title', { title: 'too short' }],
    ['description', { description: 'short' }],
    ['priceCents', { priceCents: 499 }],
    ['priceCents', { priceCents: 100_000_001 }],
    ['tags', { tags: [] }],
    ['tags', { tags: ['a', 'b', 'c', 'd', 'e', 'f'] }],
    ['tags.0', { tags: ['x'] }],
    ['subCategory', { subCategory: 'translation' }],
    ['deliveryDays', { deliveryDays: 91 }],
    ['deliveryDays', { deliveryDays: 0 }],
  ])('bad input: BAD_USER_INPUT on %s', async (field, overrides) => {
    const response = await owner.client.request(CREATE_GIG, { input: gigInput(overrides) });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors[0]?.extensions?.['field']).toBe(field);
  });
});

describe.each([
  ['updateGig', UPDATE, (id: string) => ({ id, input: { title: 'A brand new title here' } })],
  ['setGigActive', SET_ACTIVE, (id: string) => ({ id, active: false })],
  ['deleteGig', DELETE, (id: string) => ({ id })],
] as const)('%s', (name, mutation, variables) => {
  it('anonymous: UNAUTHENTICATED; buyer and other seller: FORBIDDEN; unknown gig: NOT_FOUND', async () => {
    const id = await createGig(owner.client);
    expect(errorCodes(await supergraph.client.request(mutation, variables(id)))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(errorCodes(await buyer.client.request(mutation, variables(id)))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await otherSeller.client.request(mutation, variables(id)))).toEqual([
      'FORBIDDEN',
    ]);
    const unknown = variables('00000000-0000-4000-8000-000000000000');
    expect(errorCodes(await owner.client.request(mutation, unknown))).toEqual(['NOT_FOUND']);
    // Nothing changed.
    const gig = await owner.client.data<{ gig: { title: string; active: boolean } }>(GIG, { id });
    expect(gig.gig).toMatchObject({ title: 'I will design a minimalist logo', active: true });
  });

  it(`the owner: ${name} applies`, async () => {
    const id = await createGig(owner.client);
    const response = await owner.client.request(mutation, variables(id));
    expect(response.errors).toEqual([]);
    const gig = await owner.client.data<{ gig: { title: string; active: boolean } | null }>(GIG, {
      id,
    });
    if (name === 'updateGig') expect(gig.gig?.title).toBe('A brand new title here');
    if (name === 'setGigActive') expect(gig.gig?.active).toBe(false);
    if (name === 'deleteGig') expect(gig.gig).toBeNull();
  });
});

describe('updateGig input and visibility', () => {
  it('bad input names the field; category and subCategory go together', async () => {
    const id = await createGig(owner.client);
    const short = await owner.client.request(UPDATE, { id, input: { title: 'short' } });
    expect(errorCodes(short)).toEqual(['BAD_USER_INPUT']);
    expect(short.errors[0]?.extensions?.['field']).toBe('title');
    const half = await owner.client.request(UPDATE, { id, input: { category: 'music-audio' } });
    expect(half.errors[0]?.extensions?.['field']).toBe('subCategory');
  });

  it('a paused gig is visible to its seller only; User.gigs shows others the active ones', async () => {
    const id = await createGig(owner.client, { title: 'A paused gig for the owner' });
    await owner.client.data(SET_ACTIVE, { id, active: false });
    expect((await otherSeller.client.data<{ gig: unknown }>(GIG, { id })).gig).toBeNull();
    expect((await owner.client.data<{ gig: { id: string } }>(GIG, { id })).gig.id).toBe(id);
    const USER_GIGS = `query { viewer { gigs(first: 100) { edges { node { id active } } } } }`;
    const own = await owner.client.data<{
      viewer: { gigs: { edges: { node: { id: string } }[] } };
    }>(USER_GIGS);
    expect(own.viewer.gigs.edges.map((edge) => edge.node.id)).toContain(id);
  });

  it('the users subgraph counts the seller’s active gigs (users.gig-counts)', async () => {
    const seller = await signUpSeller(supergraph);
    const first = await createGig(seller.client);
    await createGig(seller.client);
    await seller.client.data(SET_ACTIVE, { id: first, active: false });
    const COUNT = `query { viewer { sellerProfile { stats { gigCount } } } }`;
    await eventually(
      async () => {
        const data = await seller.client.data<{
          viewer: { sellerProfile: { stats: { gigCount: number } } };
        }>(COUNT);
        return data.viewer.sellerProfile.stats.gigCount === 1;
      },
      { what: 'gigCount 1 after two gigs, one paused' },
    );
  });
});
