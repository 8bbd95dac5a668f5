// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { describe, expect, it } from 'vitest';
import { errorCodes } from '@jobber/test-kit';
import { SIGN_UP, VIEWER, lastEvent, newAccount, signUp, useAuthSupergraph } from './harness.js';

const env = useAuthSupergraph();

describe('signUp', () => {
  it('creates a normalised account, signs it in and records its events in the outbox', async () => {
    const input = newAccount();
    const { session, client } = await signUp(env.client, {
      ...input,
      email: `  ${input.email.toUpperCase()} `,
      username: input.username.toUpperCase(),
    });
    expect(session.user).toMatchObject({
      username: input.username.toLowerCase(),
      email: input.email,
      emailVerified: false,
      roles: ['USER'],
    });
    expect(session.accessToken).toMatch(/^ey/);
    expect(new Date(session.accessTokenExpiresAt).getTime() - Date.now()).toBeLessThanOrEqual(
      15 * 60_000,
    );

    const viewer = await client.data<{ viewer: { id: string } }>(VIEWER);
    expect(viewer.viewer.id).toBe(session.user.id);

    const registered = await lastEvent(env.db, 'auth.user.registered', session.user.id);
    expect(registered).toMatchObject({
      email: input.email,
      username: input.username.toLowerCase(),
      country: 'DE',
    });
    const verification = await lastEvent<{ token: string }>(
      env.db,
      'auth.email.verification_requested',
      session.user.id,
    );
    expect(verification.token.length).toBeGreaterThan(30);
    // Only the hash is stored.
    const { rows } = await env.db.query(
      'SELECT count(*)::int AS n FROM one_time_tokens WHERE token_hash = $1',
      [verification.token],
    );
    expect(rows[0].n).toBe(0);
    const stored = await env.db.query('SELECT password_hash FROM users WHERE id = $1', [
      session.user.id,
    ]);
    expect(stored.rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it.each([
    ['email', { email: 'not-an-email' }],
    ['username', { username: 'ab' }],
    ['username', { username: 'has space' }],
    ['username', { username: 'x'.repeat(31) }],
    ['password', { password: 'short' }],
    ['password', { password: 'password123' }],
    ['country', { country: 'XX' }],
    ['profilePictureUrl', { profilePictureUrl: 'javascript:alert(1)' }],
  ])(
    'rejects a bad %s with BAD_USER_INPUT naming the field, and writes nothing',
    async (field, override) => {
      const before = await env.db.query('SELECT count(*)::int AS n FROM users');
      const response = await env.client.request(SIGN_UP, { input: newAccount(override) });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors[0]?.extensions?.['field']).toBe(field);
      expect(JSON.stringify(response.errors)).not.toMatch(/stack|\.ts:/);
      const after = await env.db.query('SELECT count(*)::int AS n FROM users');
      expect(after.rows[0].n).toBe(before.rows[0].n);
    },
  );

  it('refuses a taken email or username (case-insensitively) with CONFLICT', async () => {
    const { input } = await signUp(env.client);
    const sameEmail = await env.client.request(SIGN_UP, {
      input: newAccount({ email: input.email.toUpperCase() }),
    });
    expect(errorCodes(sameEmail)).toEqual(['CONFLICT']);
    expect(sameEmail.errors[0]?.extensions?.['field']).toBe('email');
    const sameName = await env.client.request(SIGN_UP, {
      input: newAccount({ username: input.username.toUpperCase() }),
    });
    expect(errorCodes(sameName)).toEqual(['CONFLICT']);
    expect(sameName.errors[0]?.extensions?.['field']).toBe('username');
  });

  it('lets only one of two simultaneous sign-ups with the same username through', async () => {
    const username = newAccount().username;
    const results = await Promise.all(
      [1, 2].map(() => env.client.request(SIGN_UP, { input: newAccount({ username }) })),
    );
    expect(results.map((r) => r.errors.length === 0).filter(Boolean)).toHaveLength(1);
    expect(results.flatMap(errorCodes)).toEqual(['CONFLICT']);
  });
});
