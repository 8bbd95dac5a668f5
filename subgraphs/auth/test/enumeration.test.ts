import { describe, expect, it } from 'vitest';
import { SIGN_UP, lastEvent, newAccount, signUp, useAuthSupergraph } from './harness.js';

// Issue 13, item 11: neither requestPasswordReset nor signUp tells known addresses from unknown
// ones, by their answer or its time.
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

  it('answers signUp the same, in the same time, for taken and new addresses', async () => {
    const SAMPLES = 25;
    const accounts = [];
    for (let i = 0; i < SAMPLES; i++) accounts.push(await signUp(env.client));
    const time = async (email: string) => {
      const started = performance.now();
      const data = await env.client.data<{ signUp: { email: string; expiresAt: string } }>(
        SIGN_UP,
        { input: newAccount({ email }) },
      );
      const took = performance.now() - started;
      expect(data.signUp.email).toBe(email);
      return took;
    };
    await time(newAccount().email);
    const samples = { taken: [] as number[], fresh: [] as number[] };
    // Alternating samples (in turn first) and medians keep other load on the machine out of it.
    for (const [i, account] of accounts.entries()) {
      const taken = () => time(account.input.email).then((ms) => samples.taken.push(ms));
      const fresh = () => time(newAccount().email).then((ms) => samples.fresh.push(ms));
      if (i % 2) await fresh().then(taken);
      else await taken().then(fresh);
    }
    const taken = median(samples.taken);
    const fresh = median(samples.fresh);
    expect(taken).toBeLessThan(fresh * 1.35);
    expect(fresh).toBeLessThan(taken * 1.35);
  });
});
