// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@jobber/test-kit';
import { NotificationsKit, codes, type TestAccount } from './notifications-kit.js';

const MAILBOX =
  'query ($to: String!) { devMailbox(to: $to) { id to toName subject html text sentAt } }';

interface Mailbox {
  devMailbox: { to: string; toName: string; subject: string; html: string; text: string }[];
}

describe('notifications: the development mailbox (no SMTP_URL)', () => {
  let kit: NotificationsKit;
  let ada: TestAccount;

  beforeAll(async () => {
    kit = await NotificationsKit.start({ smtp: false, env: { MAIL_PRUNE_MS: '200' } });
    ada = await kit.register();
  });

  afterAll(async () => {
    await kit?.stop();
  });

  it('stores each message once instead of sending it, readable with devMailbox(to)', async () => {
    const event = kit.envelope('auth', 'auth.sign_in.code_requested', {
      userId: ada.id,
      email: ada.email,
      username: ada.username,
      code: '482913',
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
    });
    await kit.publish(event, event);
    const mailbox = await eventually(
      async () => {
        const data = await kit.client.data<Mailbox>(MAILBOX, { to: ada.email.toUpperCase() });
        return data.devMailbox.length > 0 ? data.devMailbox : null;
      },
      { what: 'the code in the dev mailbox' },
    );
    await kit.settled();
    const again = await kit.client.data<Mailbox>(MAILBOX, { to: ada.email });
    expect(again.devMailbox).toHaveLength(1);
    expect(mailbox[0]).toMatchObject({
      to: ada.email,
      toName: ada.username,
      subject: 'Your Jobber sign-in code: 482913',
    });
    expect(mailbox[0]?.text).toContain('482913');
    const { rows } = await kit.db.query(`SELECT status FROM outgoing_mail WHERE event_id = $1`, [
      event.id,
    ]);
    expect(rows).toEqual([{ status: 'SENT' }]);
  });

  it('is empty for an address nobody wrote to', async () => {
    expect(await kit.client.data(MAILBOX, { to: 'nobody@example.com' })).toEqual({
      devMailbox: [],
    });
    expect(codes(await kit.client.request(MAILBOX, {}))).toEqual(['BAD_USER_INPUT']);
  });

  it('prunes sent mail and stored messages past MAIL_RETENTION_DAYS, never pending mail', async () => {
    const event = kit.envelope('auth', 'auth.password.changed', {
      userId: ada.id,
      email: ada.email,
      username: ada.username,
      changedAt: new Date().toISOString(),
    });
    await kit.publish(event);
    await kit.handled(event);
    await kit.settled();
    // A pending mail of the same age, not due yet, stays.
    await kit.db.query(
      `INSERT INTO outgoing_mail (id, idempotency_key, event_id, template, to_email, to_name, subject, html, text, next_attempt_at)
       VALUES (gen_random_uuid(), 'pending-old', gen_random_uuid(), 't', 'x@example.com', 'x', 's', 'h', 't', now() + interval '1 day')`,
    );
    await kit.db.query(`UPDATE outgoing_mail SET created_at = now() - interval '31 days'`);
    await kit.db.query(`UPDATE dev_mailbox SET sent_at = now() - interval '31 days'`);
    await eventually(
      async () => {
        const { rows } = await kit.db.query<{ mail: number; dev: number }>(
          `SELECT (SELECT count(*)::int FROM outgoing_mail) AS mail, (SELECT count(*)::int FROM dev_mailbox) AS dev`,
        );
        return rows[0]?.mail === 1 && rows[0]?.dev === 0;
      },
      { what: 'old mail pruned' },
    );
    const { rows } = await kit.db.query('SELECT idempotency_key FROM outgoing_mail');
    expect(rows).toEqual([{ idempotency_key: 'pending-old' }]);
  });
});
