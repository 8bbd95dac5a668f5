import pg from 'pg';
import {
  becomeSeller,
  eventually,
  signUpMember,
  waitForBuyerProfile,
  type Member,
  type TestSupergraph,
} from '@jobber/test-kit';

/** A complete, valid CreateGigInput; override what a test is about. */
export function gigInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'I will design a minimalist logo',
    description: 'Clean vector logos with unlimited revisions and all source files.',
    category: 'graphics-design',
    subCategory: 'logo-design',
    tags: ['logo', 'branding'],
    priceCents: 5_000,
    deliveryDays: 3,
    ...overrides,
  };
}

export const GIG_FIELDS = `id title description category subCategory tags price { amountCents currency }
  deliveryDays coverImageUrl active rating { count average counts { one five } } seller { id }`;

export const CREATE_GIG = `mutation($input: CreateGigInput!) { createGig(input: $input) { ${GIG_FIELDS} } }`;

/** A member whose seller profile gigs has received (users.seller.created). */
export async function signUpSeller(supergraph: TestSupergraph): Promise<Member> {
  const member = await signUpMember(supergraph.client);
  await waitForBuyerProfile(member);
  await becomeSeller(member);
  await waitForGigsSeller(supergraph, member.id);
  return member;
}

/** Polls gigs' database until users.seller.created for the user has been applied there. */
export async function waitForGigsSeller(supergraph: TestSupergraph, userId: string): Promise<void> {
  const url = supergraph.databases.gigs?.url;
  if (!url) throw new Error('gigs has no database in this test');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await eventually(
      async () =>
        (await client.query('SELECT 1 FROM sellers WHERE user_id = $1', [userId])).rowCount === 1,
      { timeoutMs: 30_000, intervalMs: 20, what: `gigs' seller row for ${userId}` },
    );
  } finally {
    await client.end();
  }
}
