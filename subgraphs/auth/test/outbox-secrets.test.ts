// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { describe, expect, it } from 'vitest';
import { eventually } from '@jobber/test-kit';
import { SECRET_OUTBOX_PRUNING } from '../src/outbox-secrets.js';
import { signUp, useAuthSupergraph } from './harness.js';

// Issue 13, item 13: tokens and codes do not stay readable in the outbox for 7 days.
const env = useAuthSupergraph();

/** The outbox rows about one address: its sign-up's confirmation and the account's events. */
const rowsOf = async (email: string) =>
  (
    await env.db.query<{ type: string; sent: boolean }>(
      `SELECT type, sent_at IS NOT NULL AS sent FROM outbox_events
       WHERE payload->'data'->>'email' = $1 ORDER BY seq`,
      [email],
    )
  ).rows;

describe('secrets in the outbox', () => {
  it('deletes a delivered sign-up confirmation soon, and keeps events without secrets', async () => {
    const { input } = await signUp(env.client);
    await eventually(async () => (await rowsOf(input.email)).every((row) => row.sent), {
      timeoutMs: 30_000,
      intervalMs: 50,
      what: 'the relay to deliver the sign-up events',
    });
    // Just delivered: still there for a moment (tests and debugging read it).
    expect((await rowsOf(input.email)).map((row) => row.type)).toEqual([
      'auth.sign_up.confirmation_requested',
      'auth.user.registered',
    ]);
    // As if the minute had passed.
    await env.db.query(
      `UPDATE outbox_events SET sent_at = sent_at - make_interval(secs => $2)
       WHERE payload->'data'->>'email' = $1`,
      [input.email, SECRET_OUTBOX_PRUNING.keepSentMs / 1000 + 1],
    );
    await eventually(async () => (await rowsOf(input.email)).length === 1, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'the confirmation token to leave the outbox',
    });
    expect((await rowsOf(input.email)).map((row) => row.type)).toEqual(['auth.user.registered']);
  });
});
