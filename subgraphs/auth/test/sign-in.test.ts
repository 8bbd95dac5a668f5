// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { describe, expect, it } from 'vitest';
import { errorCodes } from '@jobber/test-kit';
import { SIGN_IN, VIEWER, lastEvent, signUp, useAuthSupergraph, sessionFields } from './harness.js';

const env = useAuthSupergraph();
const VERIFY_CODE = `mutation($input: VerifySignInCodeInput!) { verifySignInCode(input: $input) { ${sessionFields} } }`;
const newDevice = (id: string) => ({ headers: { 'x-device-id': id } });

describe('signIn', () => {
  it('signs in with username or email (any case) from a known device', async () => {
    const { input, session } = await signUp(env.client);
    for (const emailOrUsername of [input.username.toUpperCase(), input.email.toUpperCase()]) {
      const response = await env.client.data<{
        signIn: { __typename: string; user: { id: string }; accessToken: string };
      }>(SIGN_IN, {
        input: { emailOrUsername, password: input.password, deviceSecret: session.deviceSecret },
      });
      expect(response.signIn.__typename).toBe('AuthSession');
      expect(response.signIn.user.id).toBe(session.user.id);
      const viewer = await env.client.data<{ viewer: { id: string } }>(
        VIEWER,
        {},
        { token: response.signIn.accessToken },
      );
      expect(viewer.viewer.id).toBe(session.user.id);
    }
  });

  it('gives the same error for a wrong password and an unknown account, in similar time', async () => {
    const { input } = await signUp(env.client);
    const time = async (emailOrUsername: string) => {
      const started = performance.now();
      const response = await env.client.request(SIGN_IN, {
        input: { emailOrUsername, password: 'wrong password!!' },
      });
      return {
        ms: performance.now() - started,
        codes: errorCodes(response),
        message: response.errors[0]?.message,
      };
    };
    await time('warm-up-nobody');
    const wrong = await time(input.username);
    const unknown = await time('nobody_here');
    expect(wrong.codes).toEqual(['UNAUTHENTICATED']);
    expect(unknown).toMatchObject({ codes: wrong.codes, message: wrong.message });
    // Both pay for one argon2id verification (~10 ms); no shortcut for unknown accounts.
    // Alternating samples and medians keep other load on the machine out of the comparison.
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    const samples = { wrong: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 7; i++) {
      // Keep the throttle (5 failures per account) from answering instead of the hash.
      await env.db.query('DELETE FROM sign_in_failures');
      samples.wrong.push((await time(input.username)).ms);
      samples.unknown.push((await time(`nobody_${i}`)).ms);
    }
    expect(median(samples.wrong)).toBeGreaterThan(5);
    expect(median(samples.unknown)).toBeGreaterThan(median(samples.wrong) / 3);
  });

  it('asks a new device for an emailed code, and the code issues the session once', async () => {
    const { input, session } = await signUp(env.client);
    const challengeResponse = await env.client.data<{
      signIn: { __typename: string; challengeId: string; sentTo: string };
    }>(
      SIGN_IN,
      { input: { emailOrUsername: input.username, password: input.password } },
      newDevice('phone-1'),
    );
    expect(challengeResponse.signIn).toMatchObject({
      __typename: 'SignInChallenge',
      sentTo: expect.stringMatching(/\*\*\*@example\.com$/),
    });
    const { code } = await lastEvent<{ code: string }>(
      env.db,
      'auth.sign_in.code_requested',
      session.user.id,
    );
    expect(code).toMatch(/^\d{6}$/);
    const challengeId = challengeResponse.signIn.challengeId;

    // Another device cannot use the code.
    const stolen = await env.client.request(
      VERIFY_CODE,
      { input: { challengeId, code } },
      newDevice('laptop-9'),
    );
    expect(errorCodes(stolen)).toEqual(['BAD_USER_INPUT']);

    const verified = await env.client.data<{
      verifySignInCode: { user: { id: string }; deviceSecret: string };
    }>(VERIFY_CODE, { input: { challengeId, code } }, newDevice('phone-1'));
    expect(verified.verifySignInCode.user.id).toBe(session.user.id);
    expect(verified.verifySignInCode.deviceSecret).toMatch(/^[\w-]{43}$/);
    const again = await env.client.request(
      VERIFY_CODE,
      { input: { challengeId, code } },
      newDevice('phone-1'),
    );
    expect(errorCodes(again)).toEqual(['BAD_USER_INPUT']);

    // The device is now trusted: a sign-in with its secret issues a session directly.
    const next = await env.client.data<{ signIn: { __typename: string } }>(
      SIGN_IN,
      {
        input: {
          emailOrUsername: input.username,
          password: input.password,
          deviceSecret: verified.verifySignInCode.deviceSecret,
        },
      },
      newDevice('phone-1'),
    );
    expect(next.signIn.__typename).toBe('AuthSession');
  });

  it('limits wrong codes to 5 attempts', async () => {
    const { input, session } = await signUp(env.client);
    const started = await env.client.data<{ signIn: { challengeId: string } }>(
      SIGN_IN,
      { input: { emailOrUsername: input.username, password: input.password } },
      newDevice('tablet-2'),
    );
    const { code } = await lastEvent<{ code: string }>(
      env.db,
      'auth.sign_in.code_requested',
      session.user.id,
    );
    const wrong = code === '000000' ? '111111' : '000000';
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await env.client.request(
        VERIFY_CODE,
        { input: { challengeId: started.signIn.challengeId, code: wrong } },
        newDevice('tablet-2'),
      );
      expect(response.errors[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'code',
      });
    }
    const right = await env.client.request(
      VERIFY_CODE,
      { input: { challengeId: started.signIn.challengeId, code } },
      newDevice('tablet-2'),
    );
    expect(errorCodes(right)).toEqual(['TOO_MANY_REQUESTS']);
  });

  it('spends an attempt per guess before comparing, so 20 parallel guesses get at most 5', async () => {
    const { input, session } = await signUp(env.client);
    const started = await env.client.data<{ signIn: { challengeId: string } }>(
      SIGN_IN,
      { input: { emailOrUsername: input.username, password: input.password } },
      newDevice('burst-device'),
    );
    const { code } = await lastEvent<{ code: string }>(
      env.db,
      'auth.sign_in.code_requested',
      session.user.id,
    );
    const guesses = Array.from({ length: 20 }, (_, i) =>
      String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'),
    );
    const results = await Promise.all(
      guesses.map((guess) =>
        env.client.request(
          VERIFY_CODE,
          { input: { challengeId: started.signIn.challengeId, code: guess } },
          newDevice('burst-device'),
        ),
      ),
    );
    const compared = results.filter((r) => errorCodes(r)[0] === 'BAD_USER_INPUT').length;
    expect(compared).toBe(5);
    expect(results.filter((r) => errorCodes(r)[0] === 'TOO_MANY_REQUESTS')).toHaveLength(15);
    const right = await env.client.request(
      VERIFY_CODE,
      { input: { challengeId: started.signIn.challengeId, code } },
      newDevice('burst-device'),
    );
    expect(errorCodes(right)).toEqual(['TOO_MANY_REQUESTS']);
  });

  it('refuses an expired code', async () => {
    const { input, session } = await signUp(env.client);
    const started = await env.client.data<{ signIn: { challengeId: string } }>(
      SIGN_IN,
      { input: { emailOrUsername: input.username, password: input.password } },
      newDevice('old-phone'),
    );
    const { code } = await lastEvent<{ code: string }>(
      env.db,
      'auth.sign_in.code_requested',
      session.user.id,
    );
    await env.db.query(
      `UPDATE sign_in_challenges SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [started.signIn.challengeId],
    );
    const response = await env.client.request(
      VERIFY_CODE,
      { input: { challengeId: started.signIn.challengeId, code } },
      newDevice('old-phone'),
    );
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('rejects empty input with BAD_USER_INPUT naming the field', async () => {
    const response = await env.client.request(SIGN_IN, {
      input: { emailOrUsername: ' ', password: 'x' },
    });
    expect(response.errors[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'emailOrUsername',
    });
  });
});
