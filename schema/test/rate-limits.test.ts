// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import {
  errorCodes,
  signUpMember,
  startTestSupergraph,
  uniqueTag,
  type TestSupergraph,
} from '@jobber/test-kit';

const SIGN_IN = `mutation($input: SignInInput!) { signIn(input: $input) { __typename } }`;

/** A POST to the gateway as it arrives from our one proxy, which appended `viaProxy`. */
async function post(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string>,
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    data: body.data ?? null,
    errors: body.errors ?? [],
  };
}

// Items 4 and 5 of issue 13: a client that wrote its own X-Forwarded-For entries went
// unthrottled (100 of 100), and nothing limited sign-ins, sign-ups or operations at the gateway.
describe('rate limits at the gateway, behind one trusted proxy', () => {
  let supergraph: TestSupergraph;

  beforeAll(async () => {
    supergraph = await startTestSupergraph(
      { auth: (env) => startAuthService(parseAuthConfig(env)) },
      {
        gatewayEnv: {
          TRUST_PROXY: '1',
          RATE_LIMIT_SENSITIVE_PER_IP: '10',
          RATE_LIMIT_SENSITIVE_PER_ACCOUNT: '10',
          RATE_LIMIT_OPERATIONS_PER_IP: '1000',
          RATE_LIMIT_OPERATIONS_PER_ACCOUNT: '30',
        },
      },
    );
  });
  afterAll(() => supergraph?.stop());

  it('100 sign-ins with spoofed X-Forwarded-For entries: 10 reach auth, 90 are refused', async () => {
    const attacker = '203.0.113.7';
    const answers = [];
    for (let i = 0; i < 100; i++) {
      const input = { emailOrUsername: `nobody_${uniqueTag()}`, password: 'a guessed password' };
      // The client wrote the first entry; our proxy appended the address it saw.
      const spoofed = `10.${i}.0.1, ${attacker}`;
      answers.push(
        await post(supergraph.gatewayUrl, SIGN_IN, { input }, { 'x-forwarded-for': spoofed }),
      );
    }
    const refused = answers.filter((answer) => answer.status === 429);
    expect(answers.length - refused.length).toBe(10);
    expect(answers.slice(0, 10).every((answer) => answer.status !== 429)).toBe(true);
    for (const answer of refused) {
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors[0]?.extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
      const seconds = answer.errors[0]?.extensions?.['retryAfterSeconds'];
      expect(seconds).toBeGreaterThan(0);
      expect(answer.retryAfter).toBe(String(seconds));
    }

    // Another client behind the same proxy has a bucket of its own.
    const other = await post(
      supergraph.gatewayUrl,
      SIGN_IN,
      { input: { emailOrUsername: `nobody_${uniqueTag()}`, password: 'a guessed password' } },
      { 'x-forwarded-for': `${attacker}, 198.51.100.20` },
    );
    expect(other.status).not.toBe(429);
  });

  it('15 aliased sign-ups in one request (over the 10 allowed) are refused as a whole, none made', async () => {
    const tag = uniqueTag();
    // 15: within the operation limits (20 root fields), beyond the sensitive-mutation bucket.
    const fields = Array.from(
      { length: 15 },
      (_, i) =>
        `s${i}: signUp(input: { email: "storm_${tag}_${i}@example.com", username: "storm_${tag}_${i}", password: "a sufficiently long passphrase", country: "NG" }) { email }`,
    );
    const answer = await post(
      supergraph.gatewayUrl,
      `mutation { ${fields.join('\n')} }`,
      {},
      { 'x-forwarded-for': '198.51.100.50' },
    );
    expect(answer.status).toBe(429);
    expect(answer.data).toBeNull();
    expect(answer.errors.map((error) => error.extensions?.['code'])).toEqual(['TOO_MANY_REQUESTS']);
    expect(Number(answer.retryAfter)).toBeGreaterThan(0);

    // None of them reached auth: no sign-up was stored; one sent alone is.
    const started = async () => {
      const auth = new pg.Client({ connectionString: supergraph.databases.auth?.url });
      await auth.connect();
      try {
        const { rows } = await auth.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pending_sign_ups WHERE email LIKE $1`,
          [`storm_${tag}_%`],
        );
        return rows[0]?.n;
      } finally {
        await auth.end();
      }
    };
    expect(await started()).toBe(0);
    const retry = await post(
      supergraph.gatewayUrl,
      `mutation { ${fields[0]} }`,
      {},
      { 'x-forwarded-for': '198.51.100.51' },
    );
    expect(retry.errors).toEqual([]);
    expect(await started()).toBe(1);
  });

  it('an account gets 30 operations a window from any number of addresses', async () => {
    const member = await signUpMember(supergraph.client);
    const bystander = await signUpMember(supergraph.client);
    const answers = [];
    for (let i = 0; i < 40; i++) {
      answers.push(
        await member.client.request(
          '{ viewer { id } }',
          {},
          {
            headers: { 'x-forwarded-for': `192.0.2.${i + 1}` },
          },
        ),
      );
    }
    expect(answers.slice(0, 30).every((answer) => answer.errors.length === 0)).toBe(true);
    for (const answer of answers.slice(30)) {
      expect(answer.status).toBe(429);
      expect(errorCodes(answer)).toEqual(['TOO_MANY_REQUESTS']);
    }
    expect((await bystander.client.request('{ viewer { id } }')).errors).toEqual([]);
  });
});
