// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { describe, expect, it } from 'vitest';
import { errorCodes } from '@jobber/test-kit';
import { SIGN_IN, VIEWER, lastEvent, sessionFields, signUp, useAuthSupergraph } from './harness.js';

const env = useAuthSupergraph();
const REQUEST_RESET = `mutation($e: String!) { requestPasswordReset(email: $e) }`;
const RESET = `mutation($i: ResetPasswordInput!) { resetPassword(input: $i) }`;
const CHANGE = `mutation($i: ChangePasswordInput!) { changePassword(input: $i) { ${sessionFields} } }`;
const REFRESH = `mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }`;
const NEW_PASSWORD = 'a much better passphrase';

describe('password reset', () => {
  it('answers true for unknown addresses too, and emails only real accounts', async () => {
    const before = await env.db.query(
      `SELECT count(*)::int AS n FROM outbox_events WHERE type = 'auth.password.reset_requested'`,
    );
    expect(
      (
        await env.client.data<{ requestPasswordReset: boolean }>(REQUEST_RESET, {
          e: 'nobody@example.com',
        })
      ).requestPasswordReset,
    ).toBe(true);
    const after = await env.db.query(
      `SELECT count(*)::int AS n FROM outbox_events WHERE type = 'auth.password.reset_requested'`,
    );
    expect(after.rows[0].n).toBe(before.rows[0].n);
    expect(errorCodes(await env.client.request(REQUEST_RESET, { e: 'not an email' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('resets with the emailed token once, ends every session and announces the change', async () => {
    const { input, session } = await signUp(env.client);
    await env.client.data(REQUEST_RESET, { e: input.email.toUpperCase() });
    const { token } = await lastEvent<{ token: string }>(
      env.db,
      'auth.password.reset_requested',
      session.user.id,
    );

    const weak = await env.client.request(RESET, { i: { token, newPassword: 'password' } });
    expect(weak.errors[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'newPassword',
    });

    expect(
      (
        await env.client.data<{ resetPassword: boolean }>(RESET, {
          i: { token, newPassword: NEW_PASSWORD },
        })
      ).resetPassword,
    ).toBe(true);
    expect(
      errorCodes(await env.client.request(RESET, { i: { token, newPassword: NEW_PASSWORD } })),
    ).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await env.client.request(REFRESH, { t: session.refreshToken }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    await lastEvent(env.db, 'auth.password.changed', session.user.id);

    const old = await env.client.request(SIGN_IN, {
      input: { emailOrUsername: input.username, password: input.password },
    });
    expect(errorCodes(old)).toEqual(['UNAUTHENTICATED']);
    const fresh = await env.client.request(SIGN_IN, {
      input: { emailOrUsername: input.username, password: NEW_PASSWORD },
    });
    expect(fresh.errors).toEqual([]);
  });

  it('refuses a reset token after its hour, and a signed-in stranger', async () => {
    const owner = await signUp(env.client);
    const stranger = await signUp(env.client);
    await env.client.data(REQUEST_RESET, { e: owner.input.email });
    const { token } = await lastEvent<{ token: string }>(
      env.db,
      'auth.password.reset_requested',
      owner.session.user.id,
    );
    expect(
      errorCodes(await stranger.client.request(RESET, { i: { token, newPassword: NEW_PASSWORD } })),
    ).toEqual(['FORBIDDEN']);
    await env.db.query(
      `UPDATE one_time_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [owner.session.user.id],
    );
    expect(
      errorCodes(await env.client.request(RESET, { i: { token, newPassword: NEW_PASSWORD } })),
    ).toEqual(['BAD_USER_INPUT']);
  });
});

describe('changePassword', () => {
  it('anonymous: UNAUTHENTICATED', async () => {
    const response = await env.client.request(CHANGE, {
      i: { currentPassword: 'x', newPassword: NEW_PASSWORD },
    });
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('the owner with a wrong current password or a weak new one: BAD_USER_INPUT naming the field', async () => {
    const { input, client } = await signUp(env.client);
    const wrong = await client.request(CHANGE, {
      i: { currentPassword: 'not it at all', newPassword: NEW_PASSWORD },
    });
    expect(wrong.errors[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'currentPassword',
    });
    const weak = await client.request(CHANGE, {
      i: { currentPassword: input.password, newPassword: input.username + '123' },
    });
    expect(weak.errors[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'newPassword',
    });
  });

  it('the owner: changes their own password only, ends other sessions and returns a new one', async () => {
    const owner = await signUp(env.client);
    const other = await signUp(env.client);
    const changed = await owner.client.data<{
      changePassword: { accessToken: string; user: { id: string } };
    }>(CHANGE, {
      i: { currentPassword: owner.input.password, newPassword: NEW_PASSWORD },
    });
    expect(changed.changePassword.user.id).toBe(owner.session.user.id);
    expect(
      errorCodes(await env.client.request(REFRESH, { t: owner.session.refreshToken })),
    ).toEqual(['UNAUTHENTICATED']);
    const viewer = await env.client.data<{ viewer: { id: string } }>(
      VIEWER,
      {},
      { token: changed.changePassword.accessToken },
    );
    expect(viewer.viewer.id).toBe(owner.session.user.id);
    // The other account is untouched.
    const otherSignIn = await env.client.request(SIGN_IN, {
      input: { emailOrUsername: other.input.username, password: other.input.password },
    });
    expect(otherSignIn.errors).toEqual([]);
  });
});

describe('the address of an account made before the two-step sign-up', () => {
  // Such accounts could be unverified (verifyEmail is gone): an emailed secret they use proves it.
  const unverified = async () => {
    const account = await signUp(env.client);
    await env.db.query('UPDATE users SET email_verified_at = NULL WHERE id = $1', [
      account.session.user.id,
    ]);
    const viewer = await account.client.data<{ viewer: { emailVerified: boolean } }>(VIEWER);
    expect(viewer.viewer.emailVerified).toBe(false);
    return account;
  };

  it('is verified by a password reset with the emailed link', async () => {
    const { input, session } = await unverified();
    await env.client.data(REQUEST_RESET, { e: input.email });
    const { token } = await lastEvent<{ token: string }>(
      env.db,
      'auth.password.reset_requested',
      session.user.id,
    );
    await env.client.data(RESET, { i: { token, newPassword: NEW_PASSWORD } });
    const { rows } = await env.db.query('SELECT email_verified_at FROM users WHERE id = $1', [
      session.user.id,
    ]);
    expect(rows[0].email_verified_at).not.toBeNull();
  });

  it('is verified by a new-device sign-in with the emailed code', async () => {
    const { input, session } = await unverified();
    const device = { headers: { 'x-device-id': 'older-account' } };
    const started = await env.client.data<{ signIn: { challengeId: string } }>(
      SIGN_IN,
      { input: { emailOrUsername: input.username, password: input.password } },
      device,
    );
    const { code } = await lastEvent<{ code: string }>(
      env.db,
      'auth.sign_in.code_requested',
      session.user.id,
    );
    const verified = await env.client.data<{
      verifySignInCode: { user: { emailVerified: boolean } };
    }>(
      `mutation($i: VerifySignInCodeInput!) { verifySignInCode(input: $i) { user { emailVerified } } }`,
      { i: { challengeId: started.signIn.challengeId, code } },
      device,
    );
    expect(verified.verifySignInCode.user.emailVerified).toBe(true);
  });
});
