// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@jobber/test-kit';
import { NotificationsKit, orderSnapshot, type TestAccount } from './notifications-kit.js';

const OUTAGE_MS = 30_000;

describe('notifications: SMTP down for 30 s', () => {
  let kit: NotificationsKit;
  let buyer: TestAccount;
  let seller: TestAccount;

  beforeAll(async () => {
    kit = await NotificationsKit.start();
    buyer = await kit.register();
    seller = await kit.register({ fullName: 'Grace Hopper' });
  });

  afterAll(async () => {
    await kit?.stop();
  });

  it('sends every mail after it comes back: none lost, none twice', async () => {
    await kit.mail.stop();
    const orders = Array.from({ length: 10 }, () => orderSnapshot(buyer, seller));
    const started = Date.now();
    await kit.publish(
      ...orders.map((order) => kit.envelope('orders', 'orders.order.placed', order)),
    );

    // All 20 are stored and fail against the closed port, retrying with back-off.
    await eventually(
      async () => {
        const { rows } = await kit.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM outgoing_mail WHERE status = 'PENDING' AND attempts >= 2
           AND last_error IS NOT NULL`,
        );
        return rows[0]?.n === 20;
      },
      { timeoutMs: 20_000, what: '20 mails failing while SMTP is down' },
    );
    expect(kit.mail.received).toHaveLength(0);
    // Ready but degraded meanwhile: it serves, and says mail is failing.
    const readiness = async () => {
      const response = await fetch(`${kit.notifications.adminUrl}/readyz`);
      const body = (await response.json()) as { status: string; checks: Record<string, string> };
      return { code: response.status, body };
    };
    const down = await readiness();
    expect(down.code).toBe(200);
    expect(down.body.status).toBe('degraded');
    expect(down.body.checks['mail']).toMatch(/^the last send failed: /);
    // The outage lasts 30 s: a duration under test, not a wait for an outcome.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - started))),
    );
    expect(kit.mail.received).toHaveLength(0);
    await kit.mail.start();

    await kit.mail.waitFor(buyer.email, { count: 10, timeoutMs: 20_000 });
    await kit.mail.waitFor(seller.email, { count: 10, timeoutMs: 20_000 });
    await kit.settled();
    const numbers = orders.map((order) => order.orderNumber).sort();
    const subjectsOf = (email: string) =>
      kit.mail
        .to(email)
        .map((mail) => /JB-[0-9A-F]+/.exec(mail.subject)?.[0])
        .sort();
    expect(subjectsOf(buyer.email)).toEqual(numbers);
    expect(subjectsOf(seller.email)).toEqual(numbers);
    const { rows } = await kit.db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM outgoing_mail GROUP BY status',
    );
    expect(rows).toEqual([{ status: 'SENT', n: 20 }]);
    expect((await readiness()).body).toMatchObject({ status: 'ok', checks: { mail: 'ok' } });
  }, 90_000);
});
