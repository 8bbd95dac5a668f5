// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { describe, expect, it } from 'vitest';
import { errorCodes } from '@jobber/test-kit';
import { SIGN_IN, signUp, useAuthSupergraph } from './harness.js';

// A file of its own: the per-IP counter covers every request from this test process.
// Issue 13, item 10: failures per account (either identifier), back-off, trusted devices pass.
const env = useAuthSupergraph();
const attempt = (emailOrUsername: string, password: string, deviceSecret?: string | null) =>
  env.client.request(SIGN_IN, { input: { emailOrUsername, password, deviceSecret } });
/** Moves every recorded failure back, as if `seconds` had passed. */
const wait = (seconds: number) =>
  env.db.query(
    `UPDATE sign_in_failures SET occurred_at = occurred_at - make_interval(secs => $1)`,
    [seconds],
  );

describe('failed sign-in throttling', () => {
  it('counts username and email in one bucket and backs off progressively', async () => {
    const victim = await signUp(env.client);
    const bystander = await signUp(env.client);
    // Alternating identifiers does not give the attacker two buckets.
    for (let i = 0; i < 5; i++) {
      const identifier = i % 2 ? victim.input.email : victim.input.username;
      expect(errorCodes(await attempt(identifier, 'wrong password!!'))).toEqual([
        'UNAUTHENTICATED',
      ]);
    }
    const blocked = await attempt(victim.input.email.toUpperCase(), 'wrong password!!');
    expect(errorCodes(blocked)).toEqual(['TOO_MANY_REQUESTS']);
    const firstWait = Number(blocked.errors[0]?.extensions?.['retryAfterSeconds']);
    expect(firstWait).toBeGreaterThan(0);
    expect(errorCodes(await attempt(bystander.input.username, bystander.input.password))).toEqual(
      [],
    );
    // After the wait one more guess passes, and the next wait is longer.
    await wait(firstWait);
    expect(errorCodes(await attempt(victim.input.username, 'wrong password!!'))).toEqual([
      'UNAUTHENTICATED',
    ]);
    const again = await attempt(victim.input.username, 'wrong password!!');
    expect(errorCodes(again)).toEqual(['TOO_MANY_REQUESTS']);
    expect(Number(again.errors[0]?.extensions?.['retryAfterSeconds'])).toBeGreaterThan(firstWait);
  });

  it("lets the owner's trusted device through while the account is locked", async () => {
    const owner = await signUp(env.client);
    for (let i = 0; i < 12; i++) await attempt(owner.input.username, 'wrong password!!');
    expect(errorCodes(await attempt(owner.input.username, owner.input.password))).toEqual([
      'TOO_MANY_REQUESTS',
    ]);
    const trusted = await attempt(
      owner.input.username,
      owner.input.password,
      owner.session.deviceSecret,
    );
    expect(errorCodes(trusted)).toEqual([]);
    // A made-up secret counts as a new device: still locked.
    expect(errorCodes(await attempt(owner.input.username, owner.input.password, 'guess'))).toEqual([
      'TOO_MANY_REQUESTS',
    ]);
  });

  it('counts parallel guesses too: 30 at once get at most 5 password checks', async () => {
    await env.db.query('DELETE FROM sign_in_failures');
    const target = await signUp(env.client);
    const results = await Promise.all(
      Array.from({ length: 30 }, () => attempt(target.input.username, 'a parallel guess!!')),
    );
    const checked = results.filter((r) => errorCodes(r)[0] === 'UNAUTHENTICATED').length;
    expect(checked).toBeLessThanOrEqual(5);
    expect(results.filter((r) => errorCodes(r)[0] === 'TOO_MANY_REQUESTS').length).toBe(
      30 - checked,
    );
  });

  it('treats unknown accounts the same way', async () => {
    for (let i = 0; i < 5; i++)
      expect(errorCodes(await attempt('ghost_account', 'wrong password!!'))).toEqual([
        'UNAUTHENTICATED',
      ]);
    expect(errorCodes(await attempt('ghost_account', 'wrong password!!'))).toEqual([
      'TOO_MANY_REQUESTS',
    ]);
  });

  it('does not lock everyone behind one proxy out after a few dozen failures', async () => {
    await env.db.query('DELETE FROM sign_in_failures');
    const user = await signUp(env.client);
    for (let i = 0; i < 40; i++) await attempt(`nobody_${i}`, 'wrong password!!');
    expect(errorCodes(await attempt(user.input.username, user.input.password))).toEqual([]);
  });
});
