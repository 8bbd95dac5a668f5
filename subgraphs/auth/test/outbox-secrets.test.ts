// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { describe, expect, it } from 'vitest';
import { eventually } from '@jobber/test-kit';
import { SECRET_OUTBOX_PRUNING } from '../src/outbox-secrets.js';
import { signUp, useAuthSupergraph } from './harness.js';

// Issue 13, item 13: tokens and codes do not stay readable in the outbox for 7 days.
const env = useAuthSupergraph();

const rowsOf = async (userId: string) =>
  (
    await env.db.query<{ type: string; sent: boolean }>(
      `SELECT type, sent_at IS NOT NULL AS sent FROM outbox_events
       WHERE payload->'data'->>'userId' = $1 ORDER BY seq`,
      [userId],
    )
  ).rows;

describe('secrets in the outbox', () => {
  it('deletes a delivered verification token soon, and keeps events without secrets', async () => {
    const { session } = await signUp(env.client);
    const userId = session.user.id;
    await eventually(async () => (await rowsOf(userId)).every((row) => row.sent), {
      timeoutMs: 30_000,
      intervalMs: 50,
      what: 'the relay to deliver the sign-up events',
    });
    // Just delivered: still there for a moment (tests and debugging read it).
    expect((await rowsOf(userId)).map((row) => row.type)).toEqual([
      'auth.user.registered',
      'auth.email.verification_requested',
    ]);
    // As if the minute had passed.
    await env.db.query(
      `UPDATE outbox_events SET sent_at = sent_at - make_interval(secs => $2)
       WHERE payload->'data'->>'userId' = $1`,
      [userId, SECRET_OUTBOX_PRUNING.keepSentMs / 1000 + 1],
    );
    await eventually(async () => (await rowsOf(userId)).length === 1, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'the verification token to leave the outbox',
    });
    expect((await rowsOf(userId)).map((row) => row.type)).toEqual(['auth.user.registered']);
  });
});
