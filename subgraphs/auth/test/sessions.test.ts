// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { describe, expect, it } from 'vitest';
import { errorCodes } from '@jobber/test-kit';
import { VIEWER, sessionFields, signUp, useAuthSupergraph, type Session } from './harness.js';

const env = useAuthSupergraph();
const REFRESH = `mutation($t: String!) { refreshSession(refreshToken: $t) { ${sessionFields} } }`;
const SIGN_OUT = `mutation($t: String!) { signOut(refreshToken: $t) }`;
const SIGN_OUT_EVERYWHERE = `mutation { signOutEverywhere }`;

const refresh = (refreshToken: string) =>
  env.client.request<{ refreshSession: Session }>(REFRESH, { t: refreshToken });

describe('refreshSession', () => {
  it('rotates the refresh token on every use and keeps the session', async () => {
    const { session } = await signUp(env.client);
    const first = await refresh(session.refreshToken);
    expect(first.errors).toEqual([]);
    const rotated = first.data?.refreshSession;
    expect(rotated?.refreshToken).not.toBe(session.refreshToken);
    expect(rotated?.user.id).toBe(session.user.id);
    const viewer = await env.client.data<{ viewer: { id: string } }>(
      VIEWER,
      {},
      { token: rotated?.accessToken ?? '' },
    );
    expect(viewer.viewer.id).toBe(session.user.id);
    const second = await refresh(rotated?.refreshToken ?? '');
    expect(second.errors).toEqual([]);
  });

  it('revokes the whole family when a rotated token is used again', async () => {
    const { session } = await signUp(env.client);
    const rotated = (await refresh(session.refreshToken)).data?.refreshSession;
    const reuse = await refresh(session.refreshToken);
    expect(errorCodes(reuse)).toEqual(['UNAUTHENTICATED']);
    // The thief's reuse also ends the legitimate holder's newer token.
    expect(errorCodes(await refresh(rotated?.refreshToken ?? ''))).toEqual(['UNAUTHENTICATED']);
    const { rows } = await env.db.query('SELECT revoked_reason FROM sessions WHERE user_id = $1', [
      session.user.id,
    ]);
    expect(rows).toEqual([{ revoked_reason: 'REUSE_DETECTED' }]);
  });

  it('lets only one of two simultaneous refreshes with the same token win', async () => {
    const { session } = await signUp(env.client);
    const results = await Promise.all([
      refresh(session.refreshToken),
      refresh(session.refreshToken),
    ]);
    expect(results.filter((r) => r.errors.length === 0).length).toBeLessThanOrEqual(1);
  });

  it('refuses an expired or unknown refresh token', async () => {
    const { session } = await signUp(env.client);
    await env.db.query(
      `UPDATE refresh_tokens SET expires_at = now() - interval '1 second'
       WHERE session_id IN (SELECT id FROM sessions WHERE user_id = $1)`,
      [session.user.id],
    );
    expect(errorCodes(await refresh(session.refreshToken))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await refresh('no-such-token'))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('signOut', () => {
  it('anonymous: UNAUTHENTICATED', async () => {
    const { session } = await signUp(env.client);
    expect(errorCodes(await env.client.request(SIGN_OUT, { t: session.refreshToken }))).toEqual([
      'UNAUTHENTICATED',
    ]);
  });

  it("another user: FORBIDDEN, and the owner's session lives on", async () => {
    const owner = await signUp(env.client);
    const other = await signUp(env.client);
    expect(
      errorCodes(await other.client.request(SIGN_OUT, { t: owner.session.refreshToken })),
    ).toEqual(['FORBIDDEN']);
    expect(errorCodes(await refresh(owner.session.refreshToken))).toEqual([]);
  });

  it('the owner: ends that session only', async () => {
    const owner = await signUp(env.client);
    const second = (await refresh(owner.session.refreshToken)).data?.refreshSession;
    const otherSession = await signUp(env.client);
    expect(
      (await owner.client.data<{ signOut: boolean }>(SIGN_OUT, { t: second?.refreshToken }))
        .signOut,
    ).toBe(true);
    expect(errorCodes(await refresh(second?.refreshToken ?? ''))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await refresh(otherSession.session.refreshToken))).toEqual([]);
  });
});

describe('signOutEverywhere', () => {
  it('anonymous: UNAUTHENTICATED', async () => {
    expect(errorCodes(await env.client.request(SIGN_OUT_EVERYWHERE))).toEqual(['UNAUTHENTICATED']);
  });

  it("the owner: ends all of their sessions and nobody else's", async () => {
    const owner = await signUp(env.client);
    const other = await signUp(env.client);
    const { data } = await env.client.request<{ signIn: Session }>(
      `mutation($i: SignInInput!) { signIn(input: $i) { ... on AuthSession { refreshToken } } }`,
      {
        i: {
          emailOrUsername: owner.input.username,
          password: owner.input.password,
          deviceSecret: owner.session.deviceSecret,
        },
      },
    );
    expect(
      (await owner.client.data<{ signOutEverywhere: boolean }>(SIGN_OUT_EVERYWHERE))
        .signOutEverywhere,
    ).toBe(true);
    expect(errorCodes(await refresh(owner.session.refreshToken))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await refresh(data?.signIn.refreshToken ?? ''))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await refresh(other.session.refreshToken))).toEqual([]);
  });
});
