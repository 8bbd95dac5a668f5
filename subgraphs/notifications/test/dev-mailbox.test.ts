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
    kit = await NotificationsKit.start({ smtp: false });
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
});
