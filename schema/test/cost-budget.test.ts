import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import {
  errorCodes,
  signUpMember,
  startTestSupergraph,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';

// Issue 13's acceptance: a client sending the costliest operations the limits allow, at any
// concurrency, must not take the gateway from everyone else. Each operation's cost (the same
// model as the cost limit) is charged to the client's address and account; a spent budget
// answers 429 TOO_MANY_REQUESTS with Retry-After, before planning, until the window ends.

/** Costs 201 points: 100 edges of 2 fields, plus the list field. */
const HUNDRED_CURSORS = '{ sellers(first: 100) { edges { cursor } } }';
const BUDGET = 1_000;

describe('a cost budget per client at the gateway', () => {
  let supergraph: TestSupergraph;

  beforeAll(async () => {
    supergraph = await startTestSupergraph(
      {
        auth: (env) => startAuthService(parseAuthConfig(env)),
        users: (env) => startUsersService(parseUsersConfig(env)),
      },
      {
        gatewayEnv: {
          TRUST_PROXY: '1',
          RATE_LIMIT_COST_PER_IP: String(BUDGET),
          RATE_LIMIT_COST_PER_ACCOUNT: String(BUDGET),
        },
      },
    );
  });
  afterAll(() => supergraph?.stop());

  const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });

  it('serves an address 4 pages of 201 points in a window of 1,000, then refuses it, not others', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) {
      answers.push(await supergraph.client.request(HUNDRED_CURSORS, {}, from('203.0.113.30')));
    }
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 429, 429]);
    for (const refused of answers.slice(4)) {
      expect(errorCodes(refused)).toEqual(['TOO_MANY_REQUESTS']);
      expect(refused.errors[0]?.extensions?.['retryAfterSeconds']).toBeGreaterThan(0);
    }
    // Spent for everything, even a query of 2 points, until the window ends.
    const cheap = await supergraph.client.request('{ __typename }', {}, from('203.0.113.30'));
    expect(cheap.status).toBe(429);
    // Another client behind the same proxy has its own budget.
    const other = await supergraph.client.request(HUNDRED_CURSORS, {}, from('203.0.113.31'));
    expect(other.status).toBe(200);
    expect(other.errors).toEqual([]);
  });

  it('charges an account wherever it calls from', async () => {
    const member = await signUpMember(supergraph.client);
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const answer = await member.client.request(HUNDRED_CURSORS, {}, from(`198.51.100.${i + 1}`));
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('does not charge a refused operation: a request over the cost limit costs nothing', async () => {
    const tooCostly = `{ ${Array.from({ length: 30 }, (_, i) => `s${i}: sellers(first: 100) { edges { cursor } }`).join(' ')} }`;
    const refused = await supergraph.client.request(tooCostly, {}, from('203.0.113.40'));
    expect(refused.status).toBe(400);
    expect(errorCodes(refused)).toEqual(['BAD_REQUEST']);
    const answers = [];
    for (let i = 0; i < 4; i++) {
      answers.push(await supergraph.client.request(HUNDRED_CURSORS, {}, from('203.0.113.40')));
    }
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
  });
});
