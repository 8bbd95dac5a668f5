import { randomBytes } from 'node:crypto';
import type { GraphQLClient } from './graphql-client.js';
import type { Mailbox } from './mailbox.js';
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
  /** The gateway client signed in as this member (the completed sign-up's access token). */
  client: GraphQLClient;
  /** The sign-up device's secret: send it with `signIn` to get a session without a code. */
  deviceSecret: string;
}

/** A short random tag, so names of one run never clash with another's. */
export function uniqueTag(): string {
  return randomBytes(4).toString('hex');
}

/** The first step of a sign-up: the answer is the same whether or not the address is taken. */
export const SIGN_UP_MUTATION =
  'mutation($input: SignUpInput!) { signUp(input: $input) { email expiresAt } }';

/** The second step, with the emailed token; asks only for the new user's id. */
export const COMPLETE_SIGN_UP_ID_MUTATION =
  'mutation($input: CompleteSignUpInput!) { completeSignUp(input: $input) { user { id } } }';

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

function mailboxFor(gateway: GraphQLClient, mailbox: Mailbox | undefined): Mailbox {
  const found = mailbox ?? gateway.mailbox;
  if (!found)
    throw new Error(
      'signing up needs the Mailbox of the auth database: use startTestSupergraph’s client, ' +
        'or pass { mailbox: new Mailbox(authDatabaseUrl) }',
    );
  return found;
}

/**
 * Signs a new member up as an app would: `signUp`, the token from the confirmation email (read
 * from `options.mailbox`, or the one `startTestSupergraph` attached to its client), then
 * `completeSignUp`, which signs them in on this device.
 */
export async function signUpMember(
  gateway: GraphQLClient,
  options: {
    username?: string;
    country?: string;
    profilePictureUrl?: string;
    mailbox?: Mailbox;
  } = {},
): Promise<Member> {
  const mailbox = mailboxFor(gateway, options.mailbox);
  const username = options.username ?? `member_${uniqueTag()}`;
  const input = memberSignUpInput(username, options);
  await gateway.data(SIGN_UP_MUTATION, { input });
  const token = await mailbox.signUpToken(input.email);
  const data = await gateway.data<{
    completeSignUp: { user: { id: string }; accessToken: string; deviceSecret: string };
  }>(
    `mutation($input: CompleteSignUpInput!) {
      completeSignUp(input: $input) { user { id } accessToken deviceSecret }
    }`,
    { input: { token } },
  );
  return {
    id: data.completeSignUp.user.id,
    username,
    email: input.email,
    client: gateway.as({ token: data.completeSignUp.accessToken }),
    deviceSecret: data.completeSignUp.deviceSecret,
  };
}

/** One GraphQL answer as a raw HTTP client reads it. */
export interface RawGraphQLAnswer {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** Posts one operation over the caller's own HTTP (an agent, fetch with a timeout …). */
export type PostOperation = (operation: {
  query: string;
  variables: Record<string, unknown>;
}) => Promise<RawGraphQLAnswer>;

/**
 * A member with an id for load tests and benches that send raw HTTP: `signUp`, the token from
 * `mailbox`, `completeSignUp`, each sent by `post`. Resolves with the new id, or with `id: null`
 * and the errors of the step that failed (a failure of `post` itself rejects as it did).
 */
export async function signUpMemberVia(
  post: PostOperation,
  mailbox: Mailbox,
  username: string,
): Promise<{ id: string | null; errors: NonNullable<RawGraphQLAnswer['errors']> }> {
  const input = memberSignUpInput(username);
  const started = await post({ query: SIGN_UP_MUTATION, variables: { input } });
  if (started.errors?.length || !started.data) return { id: null, errors: started.errors ?? [] };
  const token = await mailbox.signUpToken(input.email);
  const completed = await post({
    query: COMPLETE_SIGN_UP_ID_MUTATION,
    variables: { input: { token } },
  });
  const id = (completed.data as { completeSignUp?: { user?: { id?: string } } } | null | undefined)
    ?.completeSignUp?.user?.id;
  if (completed.errors?.length || !id) return { id: null, errors: completed.errors ?? [] };
  return { id, errors: [] };
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
