import { randomBytes } from 'node:crypto';
import { eventually, type GraphQLClient } from '@jobber/test-kit';

export const BENCH_PASSWORD = 'a sufficiently long passphrase';

export interface Member {
  id: string;
  username: string;
  email: string;
  /** The gateway client signed in as this member (the sign-up's access token). */
  client: GraphQLClient;
}

/** A short random tag, so names of one run never clash with another's. */
export function runTag(): string {
  return randomBytes(3).toString('hex');
}

/** Signs up through the gateway, as an app would. */
export async function signUp(gateway: GraphQLClient, username: string): Promise<Member> {
  const email = `${username}@example.com`;
  const data = await gateway.data<{ signUp: { user: { id: string }; accessToken: string } }>(
    `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } accessToken } }`,
    { input: { email, username, password: BENCH_PASSWORD, country: 'NG' } },
  );
  return {
    id: data.signUp.user.id,
    username,
    email,
    client: gateway.as({ token: data.signUp.accessToken }),
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

export async function becomeSeller(member: Member): Promise<void> {
  await member.client.data(
    `mutation($input: SellerProfileInput!) { becomeSeller(input: $input) { fullName } }`,
    {
      input: {
        fullName: `Seller ${member.username}`,
        oneliner: 'Logos, websites and apps',
        description: 'I design and build things people like to use, quickly and carefully.',
        skills: ['design', 'typescript', 'graphql'],
        languages: [{ language: 'English', level: 'FLUENT' }],
        responseTimeHours: 12,
      },
    },
  );
}
