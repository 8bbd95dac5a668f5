// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { describe, expect, it } from 'vitest';
import { errorCodes } from '@jobber/test-kit';
import { HASH_CONCURRENCY, hashingStats } from '../src/password-hashing.js';
import { newAccount, useAuthSupergraph } from './harness.js';

// Issue 13, item 12: argon2 is bounded per process and never spent on a hopeless request.
// The subgraph runs in this test's process, so its hashing counters are readable here.
// The gateway's root-field limit (20) would refuse the request before auth sees it: raised here,
// so the bound inside auth is what is measured. 50 hashes two at a time take ~10 s on a loaded
// 2-core machine: the gateway's subgraph timeout (10 s) is raised too, or it, not auth, answers.
const env = useAuthSupergraph({
  gatewayEnv: { MAX_ROOT_FIELDS: '50', SUBGRAPH_TIMEOUT_MS: '120000' },
});

describe('password hashing limits', () => {
  it('runs 50 aliased sign-ups of one request at most HASH_CONCURRENCY.max hashes at a time', async () => {
    const aliases = Array.from(
      { length: 50 },
      (_, i) => `a${i}: signUp(input: $i${i}) { email }`,
    ).join('\n');
    const params = Array.from({ length: 50 }, (_, i) => `$i${i}: SignUpInput!`).join(', ');
    const variables = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`i${i}`, newAccount()]),
    );
    const before = hashingStats().total;
    const response = await env.client.request(`mutation(${params}) { ${aliases} }`, variables);
    // Each alias either started its sign-up or was told to retry; none failed otherwise.
    expect(errorCodes(response).every((code) => code === 'UNAVAILABLE')).toBe(true);
    const made = Object.values(response.data ?? {}).filter(Boolean).length;
    expect(made + errorCodes(response).length).toBe(50);
    expect(hashingStats().total - before).toBe(made);
    expect(hashingStats().peak).toBeLessThanOrEqual(HASH_CONCURRENCY.max);
    expect(hashingStats().active).toBe(0);
  }, 120_000);

  it('checks a reset token before hashing the new password', async () => {
    const before = hashingStats().total;
    const response = await env.client.request(
      `mutation($i: ResetPasswordInput!) { resetPassword(input: $i) }`,
      { i: { token: 'not-a-real-token-at-all', newPassword: 'a long enough new password' } },
    );
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(hashingStats().total).toBe(before);
  });
});
