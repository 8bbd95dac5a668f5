// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { describe, expect, it } from 'vitest';
import { errorCodes, eventually, type GraphQLClient, type GraphQLResponse } from '@jobber/test-kit';
import {
  COMPLETE_SIGN_UP,
  RESEND_CONFIRMATION,
  SIGN_IN,
  SIGN_UP,
  confirmationFor,
  lastEvent,
  newAccount,
  signUp,
  useAuthSupergraph,
  type Session,
} from './harness.js';

/**
 * Every auth mutation called by three callers against one account A: anonymous, signed in as
 * another user B, and signed in as A. Where a secret (password, code, token) is the credential,
 * holding it is what authorises; a signed-in stranger is refused wherever the secret is A's own
 * link, and acts only on their own account where the mutation names no account. A sign-up's
 * link belongs to an address with no account yet: whoever holds it (signed in or not) gets the
 * new account, never A's.
 */
const env = useAuthSupergraph();
type Caller = 'anonymous' | 'other' | 'owner';
const callers: Caller[] = ['anonymous', 'other', 'owner'];

async function scene(caller: Caller) {
  const owner = await signUp(env.client);
  const other = await signUp(env.client);
  const client: GraphQLClient =
    caller === 'anonymous' ? env.client : caller === 'other' ? other.client : owner.client;
  return { owner, other, client };
}

const canSignIn = async (emailOrUsername: string, password: string) =>
  (await env.client.request(SIGN_IN, { input: { emailOrUsername, password } })).errors.length === 0;

const expected = {
  signUp: { anonymous: 'ok', other: 'ok', owner: 'ok' },
  completeSignUp: { anonymous: 'ok', other: 'ok', owner: 'ok' },
  resendSignUpConfirmation: { anonymous: 'ok', other: 'ok', owner: 'ok' },
  signIn: { anonymous: 'ok', other: 'ok', owner: 'ok' },
  verifySignInCode: { anonymous: 'ok', other: 'ok', owner: 'ok' },
  refreshSession: { anonymous: 'ok', other: 'ok', owner: 'ok' },
  signOut: { anonymous: 'UNAUTHENTICATED', other: 'FORBIDDEN', owner: 'ok' },
  signOutEverywhere: { anonymous: 'UNAUTHENTICATED', other: 'own account only', owner: 'ok' },
  requestPasswordReset: { anonymous: 'ok', other: 'ok', owner: 'ok' },
  resetPassword: { anonymous: 'ok', other: 'FORBIDDEN', owner: 'ok' },
  changePassword: { anonymous: 'UNAUTHENTICATED', other: 'own account only', owner: 'ok' },
} as const;

const cases = Object.entries(expected).flatMap(([mutation, outcomes]) =>
  callers.map((caller) => [mutation, caller, outcomes[caller]] as const),
);

describe('authorization matrix', () => {
  it.each(cases)('%s as %s: %s', async (mutation, caller, outcome) => {
    const { owner, other, client } = await scene(caller);
    const A = owner.session.user.id;
    const refuse = async (response: Promise<GraphQLResponse<unknown>>) =>
      expect(errorCodes(await response)).toEqual([outcome]);

    switch (mutation) {
      case 'signUp': {
        const input = newAccount();
        const response = await client.request<{ signUp: { email: string } }>(SIGN_UP, {
          input,
        });
        expect(response.data?.signUp.email).toBe(input.email);
        await confirmationFor(env.db, input.email);
        return;
      }
      case 'completeSignUp': {
        const input = newAccount();
        await env.client.data(SIGN_UP, { input });
        const { token } = await confirmationFor(env.db, input.email);
        const response = await client.request<{ completeSignUp: Session }>(COMPLETE_SIGN_UP, {
          input: { token },
        });
        // The new account's session, whoever the caller was; A is untouched.
        expect(response.data?.completeSignUp.user).toMatchObject({
          username: input.username,
          email: input.email,
        });
        expect(response.data?.completeSignUp.user.id).not.toBe(A);
        return;
      }
      case 'resendSignUpConfirmation': {
        const input = newAccount();
        await env.client.data(SIGN_UP, { input });
        const first = await confirmationFor(env.db, input.email);
        await env.db.query(
          `UPDATE pending_sign_ups SET sent_at = sent_at - interval '2 minutes' WHERE email = $1`,
          [input.email],
        );
        const response = await client.request(RESEND_CONFIRMATION, { e: input.email });
        expect(response.data).toEqual({ resendSignUpConfirmation: true });
        await eventually(
          async () => (await confirmationFor(env.db, input.email)).token !== first.token,
          { what: 'the confirmation to be sent again' },
        );
        return;
      }
      case 'signIn': {
        const response = await client.request<{ signIn: { user: { id: string } } }>(SIGN_IN, {
          input: {
            emailOrUsername: owner.input.email,
            password: owner.input.password,
            deviceSecret: owner.session.deviceSecret,
          },
        });
        expect(response.data?.signIn.user.id).toBe(A);
        return;
      }
      case 'verifySignInCode': {
        const device = { headers: { 'x-device-id': `matrix-${caller}` } };
        const started = await client.data<{ signIn: { challengeId: string } }>(
          SIGN_IN,
          { input: { emailOrUsername: owner.input.username, password: owner.input.password } },
          device,
        );
        const { code } = await lastEvent<{ code: string }>(
          env.db,
          'auth.sign_in.code_requested',
          A,
        );
        const verified = await client.data<{ verifySignInCode: { user: { id: string } } }>(
          `mutation($i: VerifySignInCodeInput!) { verifySignInCode(input: $i) { user { id } } }`,
          { i: { challengeId: started.signIn.challengeId, code } },
          device,
        );
        expect(verified.verifySignInCode.user.id).toBe(A);
        return;
      }
      case 'refreshSession': {
        const refreshed = await client.data<{ refreshSession: { user: { id: string } } }>(
          `mutation($t: String!) { refreshSession(refreshToken: $t) { user { id } } }`,
          { t: owner.session.refreshToken },
        );
        expect(refreshed.refreshSession.user.id).toBe(A);
        return;
      }
      case 'signOut': {
        const response = client.request(`mutation($t: String!) { signOut(refreshToken: $t) }`, {
          t: owner.session.refreshToken,
        });
        if (outcome === 'ok') expect((await response).data).toEqual({ signOut: true });
        else await refuse(response);
        return;
      }
      case 'signOutEverywhere': {
        const response = client.request(`mutation { signOutEverywhere }`);
        if (outcome === 'UNAUTHENTICATED') return refuse(response);
        expect((await response).errors).toEqual([]);
        const { rows } = await env.db.query('SELECT revoked_at FROM sessions WHERE user_id = $1', [
          A,
        ]);
        expect(rows.every((row) => row.revoked_at !== null)).toBe(outcome === 'ok');
        return;
      }
      case 'requestPasswordReset': {
        const response = await client.request(
          `mutation($e: String!) { requestPasswordReset(email: $e) }`,
          { e: owner.input.email },
        );
        expect(response.data).toEqual({ requestPasswordReset: true });
        await lastEvent(env.db, 'auth.password.reset_requested', A);
        return;
      }
      case 'resetPassword': {
        await env.client.data(`mutation($e: String!) { requestPasswordReset(email: $e) }`, {
          e: owner.input.email,
        });
        const { token } = await lastEvent<{ token: string }>(
          env.db,
          'auth.password.reset_requested',
          A,
        );
        const response = client.request(
          `mutation($i: ResetPasswordInput!) { resetPassword(input: $i) }`,
          {
            i: { token, newPassword: 'matrix new passphrase' },
          },
        );
        if (outcome !== 'ok') return refuse(response);
        expect((await response).data).toEqual({ resetPassword: true });
        expect(await canSignIn(owner.input.username, 'matrix new passphrase')).toBe(true);
        return;
      }
      case 'changePassword': {
        const callerPassword = caller === 'other' ? other.input.password : owner.input.password;
        const response = client.request(
          `mutation($i: ChangePasswordInput!) { changePassword(input: $i) { user { id } } }`,
          {
            i: { currentPassword: callerPassword, newPassword: 'matrix new passphrase' },
          },
        );
        if (outcome === 'UNAUTHENTICATED') return refuse(response);
        expect((await response).errors).toEqual([]);
        // A's password changed only when A asked.
        expect(await canSignIn(owner.input.username, owner.input.password)).toBe(outcome !== 'ok');
        return;
      }
    }
  });
});
