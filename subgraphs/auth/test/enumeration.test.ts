// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { describe, expect, it } from 'vitest';
import { eventually } from '@jobber/test-kit';
import { SIGN_UP, newAccount, signUp, useAuthSupergraph } from './harness.js';

// Issue 13, item 11: neither requestPasswordReset nor signUp tells known addresses from unknown
// ones, by their answer or its time.
const env = useAuthSupergraph();
const REQUEST_RESET = `mutation($e: String!) { requestPasswordReset(email: $e) }`;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

describe('account enumeration', () => {
  it('answers requestPasswordReset in the same time for known and unknown addresses', async () => {
    const SAMPLES = 21;
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
    // The work a known address starts after the answer (the token, its email event, the
    // relay publishing it) must be over before the next sample, or that sample pays for it.
    const published = (userId: string) =>
      eventually(
        async () => {
          const { rows } = await env.db.query(
            `SELECT 1 FROM outbox_events WHERE type = 'auth.password.reset_requested'
             AND payload->'data'->>'userId' = $1 AND sent_at IS NOT NULL`,
            [userId],
          );
          return rows.length > 0 || undefined;
        },
        { timeoutMs: 10_000, intervalMs: 10, what: 'the reset email event published' },
      );
    await time('warm-up@example.com');
    // Pairs of one known and one unknown address, back to back (in turn first), so both of a
    // pair meet the same load on the machine; the median of the pairs' ratios leaves out the rest.
    const ratios: number[] = [];
    for (const [i, account] of accounts.entries()) {
      const pair = { known: 0, unknown: 0 };
      const known = async () => {
        pair.known = await time(account.input.email);
        await published(account.session.user.id);
      };
      const unknown = async () => (pair.unknown = await time(`nobody_${i}@example.com`));
      if (i % 2) await unknown().then(known);
      else await known().then(unknown);
      ratios.push(pair.known / pair.unknown);
    }
    const ratio = median(ratios);
    expect(ratio).toBeLessThan(1.35);
    expect(ratio).toBeGreaterThan(1 / 1.35);
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
    // Pairs of one taken and one new address, back to back (in turn first), so both of a pair
    // meet the same load on the machine; the median of the pairs' ratios leaves out the rest.
    const ratios: number[] = [];
    for (const [i, account] of accounts.entries()) {
      const pair = { taken: 0, fresh: 0 };
      const taken = async () => (pair.taken = await time(account.input.email));
      const fresh = async () => (pair.fresh = await time(newAccount().email));
      if (i % 2) await fresh().then(taken);
      else await taken().then(fresh);
      ratios.push(pair.taken / pair.fresh);
    }
    const ratio = median(ratios);
    expect(ratio).toBeLessThan(1.35);
    expect(ratio).toBeGreaterThan(1 / 1.35);
  });
});
