// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { describe, expect, it } from 'vitest';
import { errorCodes } from '@jobber/test-kit';
import { SIGN_IN, lastEvent, sessionFields, signUp, useAuthSupergraph } from './harness.js';

// Issue 13, item 9: codes cannot be brute-forced across challenges, nor emailed in a flood.
const env = useAuthSupergraph();
const VERIFY_CODE = `mutation($input: VerifySignInCodeInput!) { verifySignInCode(input: $input) { ${sessionFields} } }`;
const device = (id: string) => ({ headers: { 'x-device-id': id } });

async function startChallenge(
  account: { input: { username: string; password: string } },
  deviceId: string,
) {
  return env.client.request<{ signIn: { __typename: string; challengeId: string } }>(
    SIGN_IN,
    { input: { emailOrUsername: account.input.username, password: account.input.password } },
    device(deviceId),
  );
}

/** Lets the next sign-in send a new code (the last one is older than the minute). */
const ageChallenges = (userId: string) =>
  env.db.query(
    `UPDATE sign_in_challenges SET created_at = created_at - interval '2 minutes' WHERE user_id = $1`,
    [userId],
  );

const codeEmails = async (userId: string) =>
  (
    await env.db.query(
      `SELECT 1 FROM outbox_events WHERE type = 'auth.sign_in.code_requested'
       AND payload->'data'->>'userId' = $1`,
      [userId],
    )
  ).rowCount;

const codeOf = async (userId: string) =>
  (await lastEvent<{ code: string }>(env.db, 'auth.sign_in.code_requested', userId)).code;
const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');
const verify = (challengeId: string, code: string, deviceId: string) =>
  env.client.request(VERIFY_CODE, { input: { challengeId, code } }, device(deviceId));

describe('sign-in code limits', () => {
  it('emails a code at most once a minute: 20 parallel sign-ins send one', async () => {
    const account = await signUp(env.client);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => startChallenge(account, 'flood')),
    );
    // One challenge for all (some may be held back by the throttle, which sees them all at once).
    const ids = new Set(results.flatMap((r) => r.data?.signIn.challengeId ?? []));
    expect(ids.size).toBe(1);
    expect(results.flatMap(errorCodes).every((code) => code === 'TOO_MANY_REQUESTS')).toBe(true);
    expect(await codeEmails(account.session.user.id)).toBe(1);
    // Another device within the minute waits; nothing is sent.
    const other = await startChallenge(account, 'flood-2');
    expect(errorCodes(other)).toEqual(['TOO_MANY_REQUESTS']);
    expect(other.errors[0]?.extensions?.['retryAfterSeconds']).toBeGreaterThan(0);
    expect(await codeEmails(account.session.user.id)).toBe(1);
  });

  it('voids the older challenges when a new code is sent', async () => {
    const account = await signUp(env.client);
    const userId = account.session.user.id;
    const first = (await startChallenge(account, 'd')).data?.signIn.challengeId ?? '';
    const firstCode = await codeOf(userId);
    await ageChallenges(userId);
    const second = (await startChallenge(account, 'd')).data?.signIn.challengeId ?? '';
    expect(second).not.toBe(first);
    expect(errorCodes(await verify(first, firstCode, 'd'))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await verify(second, await codeOf(userId), 'd'))).toEqual([]);
  });

  it('counts 10 code attempts per account across challenges, then tells the owner', async () => {
    const account = await signUp(env.client);
    const userId = account.session.user.id;
    for (let round = 0; round < 2; round++) {
      if (round > 0) await ageChallenges(userId);
      const challengeId = (await startChallenge(account, 'guess')).data?.signIn.challengeId ?? '';
      const wrong = wrongFor(await codeOf(userId));
      // Parallel guesses cannot outrun the counts: 8 at once, the challenge takes 5.
      const results = await Promise.all(
        Array.from({ length: 8 }, () => verify(challengeId, wrong, 'guess')),
      );
      expect(results.filter((r) => errorCodes(r)[0] === 'BAD_USER_INPUT')).toHaveLength(5);
    }
    const locked = await lastEvent<{ reason: string; lockedUntil: string }>(
      env.db,
      'auth.sign_in.locked',
      userId,
    );
    expect(locked.reason).toBe('CODE_ATTEMPTS');
    expect(Date.parse(locked.lockedUntil)).toBeGreaterThan(Date.now());
    // A third challenge would have given 5 fresh attempts: none is made, no email is sent.
    await ageChallenges(userId);
    const emails = await codeEmails(userId);
    const refused = await startChallenge(account, 'guess');
    expect(errorCodes(refused)).toEqual(['TOO_MANY_REQUESTS']);
    expect(refused.errors[0]?.extensions?.['retryAfterSeconds']).toBeGreaterThan(0);
    expect(await codeEmails(userId)).toBe(emails);
    // The owner's trusted device still signs in.
    const own = await env.client.data<{ signIn: { __typename: string } }>(SIGN_IN, {
      input: {
        emailOrUsername: account.input.username,
        password: account.input.password,
        deviceSecret: account.session.deviceSecret,
      },
    });
    expect(own.signIn.__typename).toBe('AuthSession');
  });
});
