import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import {
  GraphQLClient,
  eventually,
  startTestSupergraph,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseAuthConfig, startAuthService } from '../src/index.js';

/** The auth subgraph behind a real gateway, on a database of its own, for one test file. */
/** Auth behind a real gateway for one test file; `gatewayEnv` sets gateway variables (limits). */
export function useAuthSupergraph(options: { gatewayEnv?: Record<string, string> } = {}) {
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
          startAuthService(parseAuthConfig(env), { onQuery: (sql) => statements.push(sql) }),
      },
      options,
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

export const SIGN_UP = `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { ${sessionFields} } }`;
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

export async function signUp(
  client: GraphQLClient,
  overrides: Partial<Record<string, string>> = {},
) {
  const input = newAccount(overrides);
  const data = await client.data<{ signUp: Session }>(SIGN_UP, { input });
  return { input, session: data.signUp, client: client.as({ token: data.signUp.accessToken }) };
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
