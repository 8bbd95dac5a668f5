import { randomBytes } from 'node:crypto';
import type { GraphQLClient } from './graphql-client.js';
import { eventually } from './poll.js';

/**
 * Marketplace members made through the public API, as an app would: a seed kit that reads like
 * the product (`const ada = await signUpMember(gateway); await becomeSeller(ada)`).
 */
export const MEMBER_PASSWORD = 'a sufficiently long passphrase';

export interface Member {
  id: string;
  username: string;
  email: string;
  /** The gateway client signed in as this member (the sign-up's access token). */
  client: GraphQLClient;
  /** The sign-up device's secret: send it with `signIn` to get a session without a code. */
  deviceSecret: string;
}

/** A short random tag, so names of one run never clash with another's. */
export function uniqueTag(): string {
  return randomBytes(4).toString('hex');
}

/** The mutation that signs up and asks only for the new user's id (load tests send it raw). */
export const SIGN_UP_ID_MUTATION =
  'mutation($input: SignUpInput!) { signUp(input: $input) { user { id } } }';

/** A member's `SignUpInput`: `<username>@example.com`, the seed password, a country. */
export function memberSignUpInput(
  username: string,
  options: { country?: string; profilePictureUrl?: string } = {},
) {
  return {
    email: `${username}@example.com`,
    username,
    password: MEMBER_PASSWORD,
    country: options.country ?? 'NG',
    ...(options.profilePictureUrl ? { profilePictureUrl: options.profilePictureUrl } : {}),
  };
}

export async function signUpMember(
  gateway: GraphQLClient,
  options: { username?: string; country?: string; profilePictureUrl?: string } = {},
): Promise<Member> {
  const username = options.username ?? `member_${uniqueTag()}`;
  const email = `${username}@example.com`;
  const data = await gateway.data<{
    signUp: { user: { id: string }; accessToken: string; deviceSecret: string };
  }>(
    `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } accessToken deviceSecret } }`,
    { input: memberSignUpInput(username, options) },
  );
  return {
    id: data.signUp.user.id,
    username,
    email,
    client: gateway.as({ token: data.signUp.accessToken }),
    deviceSecret: data.signUp.deviceSecret,
  };
}

/** Waits until users has made the buyer profile from `auth.user.registered`. */
export async function waitForBuyerProfile(member: Member): Promise<void> {
  await eventually(
    async () => {
      const data = await member.client.data<{ viewer: { buyerProfile: unknown } | null }>(
        '{ viewer { buyerProfile { country } } }',
      );
      return Boolean(data.viewer?.buyerProfile);
    },
    { timeoutMs: 30_000, intervalMs: 20, what: `the buyer profile of ${member.username}` },
  );
}

/** Makes the member a seller with a complete profile; `overrides` replaces any input field. */
export async function becomeSeller(
  member: Member,
  overrides: Record<string, unknown> = {},
): Promise<void> {
  await member.client.data(
    `mutation($input: SellerProfileInput!) { becomeSeller(input: $input) { fullName } }`,
    {
      input: {
        fullName: `Seller ${member.username}`,
        oneliner: 'Logos, websites and apps',
        description: 'I design and build things people like to use, quickly and carefully.',
        skills: ['design', 'typescript'],
        languages: [{ language: 'English', level: 'FLUENT' }],
        responseTimeHours: 12,
        ...overrides,
      },
    },
  );
}
