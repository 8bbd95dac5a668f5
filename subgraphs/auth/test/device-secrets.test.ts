// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { describe, expect, it } from 'vitest';
import { SIGN_IN, signUp, useAuthSupergraph } from './harness.js';

// Issue 13, item 8: a device is trusted only by the random secret the server gave it.
const env = useAuthSupergraph();
const WINDOWS_CHROME = {
  'user-agent':
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
};

describe('device secrets', () => {
  it('gives an attacker with the password and the same user agent a code, not a session', async () => {
    // The owner completed the sign-up on this browser.
    const { input, session: owner } = await signUp(env.client, {}, { headers: WINDOWS_CHROME });
    const other = await signUp(env.client);
    expect(owner.deviceSecret).toMatch(/^[\w-]{43}$/);
    const signInWith = async (deviceSecret: string | null, headers: Record<string, string>) => {
      // Each try may send a new code (not only once a minute).
      await env.db.query(
        `UPDATE sign_in_challenges SET created_at = created_at - interval '2 minutes'`,
      );
      return (
        await env.client.data<{ signIn: { __typename: string; deviceSecret?: string } }>(
          SIGN_IN,
          { input: { emailOrUsername: input.username, password: input.password, deviceSecret } },
          { headers },
        )
      ).signIn;
    };

    // The owner's browser facts (and a device id the client picked) are not enough …
    expect((await signInWith(null, WINDOWS_CHROME)).__typename).toBe('SignInChallenge');
    expect(
      (await signInWith(null, { ...WINDOWS_CHROME, 'x-device-id': 'my-laptop' })).__typename,
    ).toBe('SignInChallenge');
    // … nor a made-up secret, nor the secret another account's device holds.
    expect((await signInWith('made-up-secret', WINDOWS_CHROME)).__typename).toBe('SignInChallenge');
    expect((await signInWith(other.session.deviceSecret, WINDOWS_CHROME)).__typename).toBe(
      'SignInChallenge',
    );
    // The owner's secret works from any user agent, and comes back with the session.
    const trusted = await signInWith(owner.deviceSecret, { 'user-agent': 'curl/8.5.0' });
    expect(trusted).toMatchObject({ __typename: 'AuthSession', deviceSecret: owner.deviceSecret });
    // Stored as a hash only.
    const { rows } = await env.db.query<{ secret_hash: string }>(
      'SELECT secret_hash FROM trusted_devices WHERE user_id = $1',
      [owner.user.id],
    );
    expect(rows.map((row) => row.secret_hash)).not.toContain(owner.deviceSecret);
    expect(rows).toHaveLength(1);
  });
});
