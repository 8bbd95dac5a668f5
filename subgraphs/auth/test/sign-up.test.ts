// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { describe, expect, it } from 'vitest';
import { errorCodes } from '@jobber/test-kit';
import {
  COMPLETE_SIGN_UP,
  SIGN_UP,
  VIEWER,
  confirmationFor,
  lastEvent,
  newAccount,
  signUp,
  useAuthSupergraph,
  type Session,
} from './harness.js';

const env = useAuthSupergraph();

const count = async (sql: string, params: unknown[] = []) =>
  (await env.db.query<{ n: number }>(sql, params)).rows[0]?.n ?? -1;
const usersWithEmail = (email: string) =>
  count('SELECT count(*)::int AS n FROM users WHERE email = $1', [email]);
const pendingWithEmail = (email: string) =>
  count('SELECT count(*)::int AS n FROM pending_sign_ups WHERE email = $1', [email]);
const eventsOf = (type: string, email: string) =>
  count(
    `SELECT count(*)::int AS n FROM outbox_events WHERE type = $1 AND payload->'data'->>'email' = $2`,
    [type, email],
  );
const complete = (token: string) =>
  env.client.request<{ completeSignUp: Session }>(COMPLETE_SIGN_UP, { input: { token } });

describe('signUp', () => {
  it('stores a pending sign-up and emails a link; completing it makes the verified account once', async () => {
    const input = newAccount();
    const started = await env.client.data<{ signUp: { email: string; expiresAt: string } }>(
      SIGN_UP,
      {
        input: {
          ...input,
          email: `  ${input.email.toUpperCase()} `,
          username: input.username.toUpperCase(),
        },
      },
    );
    expect(started.signUp.email).toBe(input.email);
    const day = new Date(started.signUp.expiresAt).getTime() - Date.now();
    expect(day).toBeGreaterThan(23 * 3_600_000);
    expect(day).toBeLessThanOrEqual(24 * 3_600_000);
    // Nothing is an account yet; the pending row holds hashes only.
    expect(await usersWithEmail(input.email)).toBe(0);
    const confirmation = await confirmationFor(env.db, input.email);
    expect(confirmation).toMatchObject({ email: input.email, username: input.username });
    expect(confirmation.token.length).toBeGreaterThan(30);
    const pending = await env.db.query(
      'SELECT token_hash, password_hash FROM pending_sign_ups WHERE email = $1',
      [input.email],
    );
    expect(pending.rows).toHaveLength(1);
    expect(pending.rows[0].token_hash).not.toBe(confirmation.token);
    expect(pending.rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const completed = await complete(confirmation.token);
    expect(completed.errors).toEqual([]);
    const session = completed.data?.completeSignUp;
    expect(session?.user).toMatchObject({
      username: input.username,
      email: input.email,
      emailVerified: true,
      roles: ['USER'],
    });
    expect(session?.accessToken).toMatch(/^ey/);
    expect(session?.deviceSecret).toMatch(/^[\w-]{43}$/);
    const viewer = await env.client.data<{ viewer: { id: string } }>(
      VIEWER,
      {},
      { token: session?.accessToken ?? '' },
    );
    expect(viewer.viewer.id).toBe(session?.user.id);
    const registered = await lastEvent(env.db, 'auth.user.registered', session?.user.id);
    expect(registered).toMatchObject({
      email: input.email,
      username: input.username,
      country: 'DE',
      profilePictureUrl: null,
    });
    expect(await pendingWithEmail(input.email)).toBe(0);

    // The link works once.
    const again = await complete(confirmation.token);
    expect(again.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    expect(await usersWithEmail(input.email)).toBe(1);
    expect(await eventsOf('auth.user.registered', input.email)).toBe(1);
  });

  it('answers for an address with an account as for a new one, makes nothing and tells the owner', async () => {
    const owner = await signUp(env.client);
    const fresh = newAccount();
    const answers = [];
    for (const email of [fresh.email, owner.input.email.toUpperCase()]) {
      const response = await env.client.request<{ signUp: Record<string, string> }>(SIGN_UP, {
        input: newAccount({ email }),
      });
      expect(response.errors).toEqual([]);
      answers.push(response.data?.signUp ?? {});
    }
    const [newOne, taken] = answers;
    expect(Object.keys(taken ?? {})).toEqual(Object.keys(newOne ?? {}));
    expect(taken?.['email']).toBe(owner.input.email);
    expect(newOne?.['email']).toBe(fresh.email);

    // The owner is told; nothing else happens to the address.
    const told = await lastEvent<{ email: string; username: string }>(
      env.db,
      'auth.sign_up.existing_email',
      owner.session.user.id,
    );
    expect(told).toMatchObject({ email: owner.input.email, username: owner.input.username });
    expect(await pendingWithEmail(owner.input.email)).toBe(0);
    expect(await usersWithEmail(owner.input.email)).toBe(1);
    // One confirmation: the owner's own sign-up; none for the attempt.
    expect(await eventsOf('auth.sign_up.confirmation_requested', owner.input.email)).toBe(1);
    expect(await eventsOf('auth.sign_up.existing_email', fresh.email)).toBe(0);
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
      const before = await count(
        'SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM pending_sign_ups) AS n',
      );
      const response = await env.client.request(SIGN_UP, { input: newAccount(override) });
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors[0]?.extensions?.['field']).toBe(field);
      expect(JSON.stringify(response.errors)).not.toMatch(/stack|\.ts:/);
      const after = await count(
        'SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM pending_sign_ups) AS n',
      );
      expect(after).toBe(before);
    },
  );

  it('refuses a taken username (case-insensitively) with CONFLICT on username: usernames are public', async () => {
    const { input } = await signUp(env.client);
    const sameName = await env.client.request(SIGN_UP, {
      input: newAccount({ username: input.username.toUpperCase() }),
    });
    expect(errorCodes(sameName)).toEqual(['CONFLICT']);
    expect(sameName.errors[0]?.extensions?.['field']).toBe('username');
  });

  it('a second sign-up for the same address replaces the first, whose link stops working', async () => {
    const first = newAccount();
    await env.client.data(SIGN_UP, { input: first });
    const firstLink = await confirmationFor(env.db, first.email);
    const second = newAccount({ email: first.email, password: 'another long passphrase' });
    await env.client.data(SIGN_UP, { input: second });
    // signUp commits its confirmation before it answers.
    const secondLink = await confirmationFor(env.db, first.email);
    expect(secondLink.token).not.toBe(firstLink.token);
    expect(await pendingWithEmail(first.email)).toBe(1);

    const stale = await complete(firstLink.token);
    expect(stale.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'token' });
    const completed = await complete(secondLink.token);
    expect(completed.data?.completeSignUp.user.username).toBe(second.username);
    expect(await usersWithEmail(first.email)).toBe(1);
  });

  it('refuses an expired or unknown token with BAD_USER_INPUT on token', async () => {
    const input = newAccount();
    await env.client.data(SIGN_UP, { input });
    const { token } = await confirmationFor(env.db, input.email);
    await env.db.query(
      `UPDATE pending_sign_ups SET expires_at = now() - interval '1 second' WHERE email = $1`,
      [input.email],
    );
    for (const tried of [token, 'not-a-token-at-all']) {
      const response = await complete(tried);
      expect(response.errors).toHaveLength(1);
      expect(response.errors[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'token',
      });
    }
    expect(await usersWithEmail(input.email)).toBe(0);
  });

  it('a username taken between sign-up and completion: CONFLICT on username, nothing written', async () => {
    const username = newAccount().username;
    const [first, second] = [newAccount({ username }), newAccount({ username })];
    for (const input of [first, second]) await env.client.data(SIGN_UP, { input });
    const links = [
      await confirmationFor(env.db, first.email),
      await confirmationFor(env.db, second.email),
    ];
    expect((await complete(links[0]?.token ?? '')).errors).toEqual([]);
    const late = await complete(links[1]?.token ?? '');
    expect(errorCodes(late)).toEqual(['CONFLICT']);
    expect(late.errors[0]?.extensions?.['field']).toBe('username');
    expect(await usersWithEmail(second.email)).toBe(0);
    expect(await eventsOf('auth.user.registered', second.email)).toBe(0);
  });

  it('lets one of two simultaneous completions through: of one link, and of one username', async () => {
    const input = newAccount();
    await env.client.data(SIGN_UP, { input });
    const { token } = await confirmationFor(env.db, input.email);
    const sameLink = await Promise.all([complete(token), complete(token)]);
    expect(sameLink.map((r) => r.errors.length === 0).filter(Boolean)).toHaveLength(1);
    expect(sameLink.flatMap(errorCodes)).toEqual(['BAD_USER_INPUT']);
    expect(await usersWithEmail(input.email)).toBe(1);

    const username = newAccount().username;
    const inputs = [newAccount({ username }), newAccount({ username })];
    for (const each of inputs) await env.client.data(SIGN_UP, { input: each });
    const tokens = await Promise.all(
      inputs.map(async (each) => (await confirmationFor(env.db, each.email)).token),
    );
    const sameName = await Promise.all(tokens.map(complete));
    expect(sameName.map((r) => r.errors.length === 0).filter(Boolean)).toHaveLength(1);
    expect(sameName.flatMap(errorCodes)).toEqual(['CONFLICT']);
    const made = await count('SELECT count(*)::int AS n FROM users WHERE username = $1', [
      username,
    ]);
    expect(made).toBe(1);
  });
});
