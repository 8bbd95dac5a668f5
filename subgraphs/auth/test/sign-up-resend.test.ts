import { describe, expect, it } from 'vitest';
import { errorCodes, eventually } from '@jobber/test-kit';
import {
  COMPLETE_SIGN_UP,
  RESEND_CONFIRMATION,
  SIGN_UP,
  confirmationFor,
  newAccount,
  signUp,
  useAuthSupergraph,
} from './harness.js';

// resendSignUpConfirmation answers true at once and does its work after the answer, so a test
// cannot await "nothing was sent" through the API: this file's one test stops auth at its end
// (a stop awaits that work) and then counts what was sent. Nothing may run after it.
const env = useAuthSupergraph();

const confirmationsOf = async (email: string) =>
  (
    await env.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox_events
       WHERE type = 'auth.sign_up.confirmation_requested' AND payload->'data'->>'email' = $1`,
      [email],
    )
  ).rows[0]?.n;

describe('resendSignUpConfirmation', () => {
  it('sends a pending sign-up a new link at most once a minute, and answers true for any address', async () => {
    const justSent = newAccount();
    const minuteAgo = newAccount();
    const expired = newAccount();
    for (const input of [justSent, minuteAgo, expired]) await env.client.data(SIGN_UP, { input });
    const oldLink = await confirmationFor(env.db, minuteAgo.email);
    await env.db.query(
      `UPDATE pending_sign_ups SET sent_at = sent_at - interval '2 minutes' WHERE email = $1`,
      [minuteAgo.email],
    );
    await env.db.query(
      `UPDATE pending_sign_ups SET sent_at = sent_at - interval '2 minutes',
         expires_at = now() - interval '1 second' WHERE email = $1`,
      [expired.email],
    );
    const member = await signUp(env.client);
    const unknown = newAccount().email;

    // Three at once for each: every answer is true; at most one email each.
    const addresses = [justSent.email, minuteAgo.email, expired.email, member.input.email, unknown];
    const answers = await Promise.all(
      addresses.flatMap((email) =>
        [1, 2, 3].map(() => env.client.request(RESEND_CONFIRMATION, { e: email.toUpperCase() })),
      ),
    );
    expect(answers.map((answer) => answer.data)).toEqual(
      answers.map(() => ({ resendSignUpConfirmation: true })),
    );
    expect(
      errorCodes(await env.client.request(RESEND_CONFIRMATION, { e: 'not an email' })),
    ).toEqual(['BAD_USER_INPUT']);

    // The re-sent link (written after the answer) works, and the one before it does not.
    const resent = await eventually(
      async () => {
        const newest = await confirmationFor(env.db, minuteAgo.email);
        return newest.token !== oldLink.token && newest;
      },
      { what: 'the confirmation to be sent again' },
    );
    const complete = (token: string) => env.client.request(COMPLETE_SIGN_UP, { input: { token } });
    expect(errorCodes(await complete(oldLink.token))).toEqual(['BAD_USER_INPUT']);
    expect((await complete(resent.token)).errors).toEqual([]);

    // Stopping auth awaits the work done after the answers; then count what was sent.
    await env.supergraph.subgraphs.auth?.stop(1_000);
    expect({
      justSent: await confirmationsOf(justSent.email),
      minuteAgo: await confirmationsOf(minuteAgo.email),
      expired: await confirmationsOf(expired.email),
      member: await confirmationsOf(member.input.email),
      unknown: await confirmationsOf(unknown),
    }).toEqual({ justSent: 1, minuteAgo: 2, expired: 1, member: 1, unknown: 0 });
  });
});
