import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import {
  GraphQLClient,
  eventually,
  startTestSupergraph,
  type RequestOptions,
  type TestSupergraph,
} from '@jobber/test-kit';
import type { Logger } from '@jobber/service-kit';
import { parseAuthConfig, startAuthService } from '../src/index.js';

/** Auth behind a real gateway for one test file, on a database of its own; `gatewayEnv` sets
 * gateway variables (limits), `authEnv` auth's, and `logger` receives auth's logs. */
export function useAuthSupergraph(
  options: {
    gatewayEnv?: Record<string, string>;
    authEnv?: Record<string, string>;
    logger?: Logger;
  } = {},
) {
  const state = {} as {
    supergraph: TestSupergraph;
    client: GraphQLClient;
    db: pg.Pool;
    statements: string[];
  };
  beforeAll(async () => {
    const statements: string[] = [];
    state.statements = statements;
    state.supergraph = await startTestSupergraph(
      {
        auth: (env) =>
          startAuthService(parseAuthConfig({ ...env, ...options.authEnv }), {
            onQuery: (sql) => statements.push(sql),
            ...(options.logger ? { logger: options.logger } : {}),
          }),
      },
      { gatewayEnv: options.gatewayEnv },
    );
    state.client = state.supergraph.client;
    state.db = new pg.Pool({ connectionString: state.supergraph.databases.auth?.url, max: 2 });
  });
  afterAll(async () => {
    await state.db?.end();
    await state.supergraph?.stop();
  });
  return state;
}

export const sessionFields = `user { id username email emailVerified roles createdAt }
  accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt deviceSecret`;

export const SIGN_UP = `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { email expiresAt } }`;
export const COMPLETE_SIGN_UP = `mutation CompleteSignUp($input: CompleteSignUpInput!) {
  completeSignUp(input: $input) { ${sessionFields} }
}`;
export const RESEND_CONFIRMATION = `mutation($e: String!) { resendSignUpConfirmation(email: $e) }`;
export const SIGN_IN = `mutation SignIn($input: SignInInput!) {
  signIn(input: $input) {
    __typename
    ... on AuthSession { ${sessionFields} }
    ... on SignInChallenge { challengeId sentTo expiresAt }
  }
}`;
export const VIEWER = `{ viewer { id username email emailVerified } }`;

export interface Session {
  user: {
    id: string;
    username: string;
    email: string | null;
    emailVerified: boolean;
    roles: string[];
  };
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
  refreshTokenExpiresAt: string;
  deviceSecret: string | null;
}

let counter = 0;
/** Input for a new, valid account; every call a different one. */
export function newAccount(overrides: Partial<Record<string, string>> = {}) {
  counter += 1;
  const id = `${Date.now().toString(36)}${counter}`;
  return {
    email: `user${id}@example.com`,
    username: `user_${id}`,
    password: 'correct horse battery staple',
    country: 'DE',
    ...overrides,
  };
}

/** The confirmation auth put in the outbox for an address (what notifications will email). */
export interface Confirmation {
  signUpId: string;
  email: string;
  username: string;
  token: string;
  expiresAt: string;
}

/** The newest sign-up confirmation sent to `email` (waits a little for one). */
export async function confirmationFor(db: pg.Pool, email: string): Promise<Confirmation> {
  const newest = async () => {
    const { rows } = await db.query<{ payload: { data: Confirmation } }>(
      `SELECT payload FROM outbox_events
       WHERE type = 'auth.sign_up.confirmation_requested' AND payload->'data'->>'email' = $1
       ORDER BY seq DESC LIMIT 1`,
      [email.trim().toLowerCase()],
    );
    return rows[0]?.payload.data;
  };
  return eventually(newest, {
    timeoutMs: 10_000,
    intervalMs: 20,
    what: `a confirmation for ${email}`,
  });
}

/** Both steps of a sign-up, as an app does them: `signUp`, the emailed token, `completeSignUp`
 * (sent with `options`, e.g. the device's user agent). */
export async function signUp(
  client: GraphQLClient,
  overrides: Partial<Record<string, string>> = {},
  options: RequestOptions = {},
) {
  const input = newAccount(overrides);
  await client.data(SIGN_UP, { input }, options);
  const mailbox = client.mailbox;
  if (!mailbox) throw new Error('the client has no mailbox');
  const token = await mailbox.signUpToken(input.email);
  const data = await client.data<{ completeSignUp: Session }>(
    COMPLETE_SIGN_UP,
    { input: { token } },
    options,
  );
  return {
    input,
    session: data.completeSignUp,
    client: client.as({ token: data.completeSignUp.accessToken }),
  };
}

/** The newest outbox event of a type (what notifications will email), read from auth's database;
 * waits a little for one (`requestPasswordReset` writes its event after answering). */
export async function lastEvent<T = Record<string, unknown>>(
  db: pg.Pool,
  type: string,
  userId?: string,
): Promise<T> {
  const newest = async () => {
    const { rows } = await db.query<{ payload: { data: T } }>(
      `SELECT payload FROM outbox_events WHERE type = $1 ${userId ? `AND payload->'data'->>'userId' = $2` : ''}
       ORDER BY seq DESC LIMIT 1`,
      userId ? [type, userId] : [type],
    );
    return rows[0]?.payload.data;
  };
  return eventually(newest, { timeoutMs: 10_000, intervalMs: 20, what: `a ${type} event` });
}
