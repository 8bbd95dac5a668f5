// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { describe, expect, it } from 'vitest';
import { lastEvent, signUp, useAuthSupergraph } from './harness.js';

// Issue 13, item 11: requestPasswordReset does not tell known addresses from unknown ones by time.
const env = useAuthSupergraph();
const REQUEST_RESET = `mutation($e: String!) { requestPasswordReset(email: $e) }`;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

describe('account enumeration', () => {
  it('answers requestPasswordReset in the same time for known and unknown addresses', async () => {
    const SAMPLES = 15;
    const accounts = [];
    for (let i = 0; i < SAMPLES; i++) accounts.push(await signUp(env.client));
    const time = async (email: string) => {
      const started = performance.now();
      const data = await env.client.data<{ requestPasswordReset: boolean }>(REQUEST_RESET, {
        e: email,
      });
      expect(data.requestPasswordReset).toBe(true);
      return performance.now() - started;
    };
    await time('warm-up@example.com');
    const samples = { known: [] as number[], unknown: [] as number[] };
    // Alternating samples and medians keep other load on the machine out of the comparison.
    for (const [i, account] of accounts.entries()) {
      samples.known.push(await time(account.input.email));
      // The email is really sent (after the answer) before the next sample.
      await lastEvent(env.db, 'auth.password.reset_requested', account.session.user.id);
      samples.unknown.push(await time(`nobody_${i}@example.com`));
    }
    const known = median(samples.known);
    const unknown = median(samples.unknown);
    expect(known).toBeLessThan(unknown * 1.35);
    expect(unknown).toBeLessThan(known * 1.35);
  });
});
