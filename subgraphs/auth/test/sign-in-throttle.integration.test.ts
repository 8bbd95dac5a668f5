import { describe, expect, it } from 'vitest';
import { errorCodes } from '@jobber/test-kit';
import { SIGN_IN, signUp, useAuthSupergraph } from './harness.js';

// A file of its own: the per-IP counter covers every request from this test process.
const env = useAuthSupergraph();
const attempt = (emailOrUsername: string, password: string) =>
  env.client.request(SIGN_IN, { input: { emailOrUsername, password } });

describe('failed sign-in throttling', () => {
  it('blocks an account after 5 failures, even with the right password, while others still sign in', async () => {
    const victim = await signUp(env.client);
    const bystander = await signUp(env.client);
    for (let i = 0; i < 5; i++)
      expect(errorCodes(await attempt(victim.input.username, 'wrong password!!'))).toEqual([
        'UNAUTHENTICATED',
      ]);
    const blocked = await attempt(victim.input.username, victim.input.password);
    expect(errorCodes(blocked)).toEqual(['TOO_MANY_REQUESTS']);
    expect(blocked.errors[0]?.extensions?.['retryAfterSeconds']).toBeGreaterThan(0);
    expect(errorCodes(await attempt(bystander.input.username, bystander.input.password))).toEqual(
      [],
    );

    // Failures age out of the 15-minute window.
    await env.db.query(`UPDATE sign_in_failures SET occurred_at = now() - interval '16 minutes'`);
    expect(errorCodes(await attempt(victim.input.username, victim.input.password))).toEqual([]);
  });

  it('counts parallel guesses too: 30 at once get at most 5 password checks', async () => {
    await env.db.query('DELETE FROM sign_in_failures');
    const target = await signUp(env.client);
    const results = await Promise.all(
      Array.from({ length: 30 }, () => attempt(target.input.username, 'a parallel guess!!')),
    );
    const checked = results.filter((r) => errorCodes(r)[0] === 'UNAUTHENTICATED').length;
    expect(checked).toBeGreaterThan(0);
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

  it('blocks an IP after 20 failures across accounts', async () => {
    await env.db.query('DELETE FROM sign_in_failures');
    const user = await signUp(env.client);
    for (let i = 0; i < 20; i++) await attempt(`nobody_${i}`, 'wrong password!!');
    expect(errorCodes(await attempt(user.input.username, user.input.password))).toEqual([
      'TOO_MANY_REQUESTS',
    ]);
  });
});
