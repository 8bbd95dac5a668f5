// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@jobber/test-kit';
import { NotificationsKit, codes, orderSnapshot, type TestAccount } from './notifications-kit.js';

// No sender poll while statements are counted (a consumer's commit still wakes the sender).
const quiet = { MAIL_POLL_MS: '600000' };

const NOTIFICATIONS = `query ($first: Int, $after: String, $unreadOnly: Boolean) {
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    edges { cursor node { id kind title body link readAt createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const UNREAD = 'query { unreadNotificationCount }';
const MARK =
  'mutation ($ids: [ID!], $all: Boolean) { markNotificationsRead(ids: $ids, all: $all) }';
const PREFERENCES = 'query { notificationPreferences { kind email inApp emailOptional } }';
const UPDATE = `mutation ($preferences: [NotificationPreferenceInput!]!) {
  updateNotificationPreferences(preferences: $preferences) { kind email inApp emailOptional }
}`;

interface Page {
  notifications: {
    edges: {
      cursor: string;
      node: {
        id: string;
        kind: string;
        title: string;
        link: string | null;
        readAt: string | null;
        createdAt: string;
      };
    }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}
interface Preference {
  kind: string;
  email: boolean;
  inApp: boolean;
  emailOptional: boolean;
}

describe('notifications: the in-app feed and preferences through the gateway', () => {
  let kit: NotificationsKit;
  let buyer: TestAccount;
  let seller: TestAccount;
  let stranger: TestAccount;

  async function placeOrders(count: number, to = buyer): Promise<string[]> {
    const orders = Array.from({ length: count }, () => orderSnapshot(to, seller));
    await kit.publish(
      ...orders.map((order) => kit.envelope('orders', 'orders.order.placed', order)),
    );
    await eventually(
      async () => {
        const { rows } = await kit.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM inbox_events WHERE consumer = 'notifications.orders'
           AND event_id IN (SELECT event_id FROM notifications WHERE link = ANY($1::text[]))`,
          [orders.map((order) => `https://jobber.test/orders/${order.orderId}`)],
        );
        return rows[0]?.n === count;
      },
      { what: `${count} orders notified` },
    );
    return orders.map((order) => order.orderNumber);
  }

  beforeAll(async () => {
    kit = await NotificationsKit.start({ env: quiet });
    buyer = await kit.register();
    seller = await kit.register({ fullName: 'Grace Hopper' });
    stranger = await kit.register();
  });

  afterAll(async () => {
    await kit?.stop();
  });

  it('refuses anonymous callers everywhere', async () => {
    for (const [query, variables] of [
      [NOTIFICATIONS, {}],
      [UNREAD, {}],
      [PREFERENCES, {}],
      [MARK, { all: true }],
      [UPDATE, { preferences: [{ kind: 'ORDER_PLACED', email: false }] }],
    ] as const) {
      expect(codes(await kit.client.request(query, variables))).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('lists the viewer’s own notifications newest first, pages them, and counts unread', async () => {
    const numbers = await placeOrders(12);
    const first = await buyer.client.data<Page>(NOTIFICATIONS, { first: 5 });
    expect(first.notifications.pageInfo.hasNextPage).toBe(true);
    const rest = await buyer.client.data<Page>(NOTIFICATIONS, {
      first: 100,
      after: first.notifications.pageInfo.endCursor,
    });
    expect(rest.notifications.edges).toHaveLength(7);
    expect(rest.notifications.pageInfo.hasNextPage).toBe(false);
    // Both pages: every order once, newest first (consumers handle events in parallel, so the
    // order is the notifications' own, not the publishing order).
    const nodes = [...first.notifications.edges, ...rest.notifications.edges].map(
      (edge) => edge.node,
    );
    expect(nodes.map((n) => n.title).sort()).toEqual(
      numbers.map((n) => `Order ${n} placed`).sort(),
    );
    const times = nodes.map((n) => n.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    const node = first.notifications.edges[0]?.node;
    expect(node).toMatchObject({ kind: 'ORDER_PLACED', readAt: null });
    expect(node?.link).toMatch(/^https:\/\/jobber\.test\/orders\/[0-9a-f-]{36}$/);
    expect(await buyer.client.data(UNREAD)).toEqual({ unreadNotificationCount: 12 });
    // The seller has the other side of each; a stranger has none of them.
    const sellers = await seller.client.data<Page>(NOTIFICATIONS, { first: 100 });
    expect(new Set(sellers.notifications.edges.map((edge) => edge.node.kind))).toEqual(
      new Set(['ORDER_RECEIVED']),
    );
    expect(await stranger.client.data(UNREAD)).toEqual({ unreadNotificationCount: 0 });
  });

  it('marks read by ids (another user’s ids change nothing) or all, and filters unread', async () => {
    const page = await buyer.client.data<Page>(NOTIFICATIONS, { first: 3 });
    const ids = page.notifications.edges.map((edge) => edge.node.id);
    const before = (await buyer.client.data<{ unreadNotificationCount: number }>(UNREAD))
      .unreadNotificationCount;
    // Wrong user: the stranger cannot mark the buyer's notifications.
    expect(await stranger.client.data(MARK, { ids })).toEqual({ markNotificationsRead: 0 });
    expect(await buyer.client.data(UNREAD)).toEqual({ unreadNotificationCount: before });
    // Right user.
    expect(await buyer.client.data(MARK, { ids })).toEqual({ markNotificationsRead: before - 3 });
    const unread = await buyer.client.data<Page>(NOTIFICATIONS, { first: 100, unreadOnly: true });
    expect(unread.notifications.edges).toHaveLength(before - 3);
    expect(unread.notifications.edges.some((edge) => ids.includes(edge.node.id))).toBe(false);
    expect(await buyer.client.data(MARK, { all: true })).toEqual({ markNotificationsRead: 0 });
    const all = await buyer.client.data<Page>(NOTIFICATIONS, { first: 100 });
    expect(all.notifications.edges.every((edge) => edge.node.readAt !== null)).toBe(true);
  });

  it('answers bad input with BAD_USER_INPUT on the field at fault', async () => {
    const field = async (query: string, variables: Record<string, unknown>) => {
      const response = await buyer.client.request(query, variables);
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
      return response.errors[0]?.extensions?.['field'];
    };
    expect(await field(NOTIFICATIONS, { first: 0 })).toBe('first');
    expect(await field(NOTIFICATIONS, { first: 101 })).toBe('first');
    expect(await field(NOTIFICATIONS, { after: 'not-a-cursor' })).toBe('after');
    expect(await field(MARK, {})).toBe('ids');
    expect(await field(MARK, { ids: [], all: true })).toBe('ids');
    expect(await field(MARK, { ids: ['nope'] })).toBe('ids.0');
    expect(await field(UPDATE, { preferences: [] })).toBe('preferences');
  });

  it('keeps per-kind preferences: email off stops the mail, in-app off stops the notice', async () => {
    const defaults = await buyer.client.data<{ notificationPreferences: Preference[] }>(
      PREFERENCES,
    );
    expect(defaults.notificationPreferences).toHaveLength(17);
    expect(defaults.notificationPreferences.every((p) => p.email && p.inApp)).toBe(true);
    expect(defaults.notificationPreferences.find((p) => p.kind === 'SIGN_IN_CODE')).toMatchObject({
      emailOptional: false,
    });

    const updated = await buyer.client.data<{ updateNotificationPreferences: Preference[] }>(
      UPDATE,
      {
        preferences: [{ kind: 'ORDER_PLACED', email: false }],
      },
    );
    expect(updated.updateNotificationPreferences.find((p) => p.kind === 'ORDER_PLACED')).toEqual({
      kind: 'ORDER_PLACED',
      email: false,
      inApp: true,
      emailOptional: true,
    });
    await seller.client.data(UPDATE, { preferences: [{ kind: 'ORDER_RECEIVED', inApp: false }] });
    // Another user's preferences are their own.
    const strangers = await stranger.client.data<{ notificationPreferences: Preference[] }>(
      PREFERENCES,
    );
    expect(strangers.notificationPreferences.every((p) => p.email && p.inApp)).toBe(true);

    const [number] = await placeOrders(1);
    const filter = (mail: { subject: string }) => mail.subject.includes(number ?? '?');
    await kit.mail.waitFor(seller.email, { filter });
    await kit.settled();
    expect(kit.mail.to(buyer.email).filter(filter)).toEqual([]);
    const buyers = await buyer.client.data<Page>(NOTIFICATIONS, { first: 1 });
    expect(buyers.notifications.edges[0]?.node.title).toBe(`Order ${number} placed`);
    const sellers = await seller.client.data<Page>(NOTIFICATIONS, { first: 100 });
    expect(
      sellers.notifications.edges.some((edge) => edge.node.title.includes(number ?? '?')),
    ).toBe(false);
  });

  it('refuses to switch off an account email, writing nothing of the request', async () => {
    const response = await buyer.client.request(UPDATE, {
      preferences: [
        { kind: 'ORDER_STARTED', email: false },
        { kind: 'SIGN_IN_CODE', email: false },
      ],
    });
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors[0]?.extensions?.['field']).toBe('preferences.1.email');
    const after = await buyer.client.data<{ notificationPreferences: Preference[] }>(PREFERENCES);
    expect(after.notificationPreferences.find((p) => p.kind === 'ORDER_STARTED')?.email).toBe(true);
    // In-app can be off for an account kind (they have none anyway); its email stays on.
    const inAppOff = await buyer.client.data<{ updateNotificationPreferences: Preference[] }>(
      UPDATE,
      {
        preferences: [{ kind: 'PASSWORD_CHANGED', inApp: false, email: true }],
      },
    );
    expect(
      inAppOff.updateNotificationPreferences.find((p) => p.kind === 'PASSWORD_CHANGED'),
    ).toMatchObject({ email: true, inApp: false });
  });

  it('keeps the development mailbox closed when SMTP is configured', async () => {
    const response = await buyer.client.request('query { devMailbox(to: "a@example.com") { id } }');
    expect(codes(response)).toEqual(['FORBIDDEN']);
  });

  it('reads a page in a fixed number of statements: the same for 10 as for 50', async () => {
    await placeOrders(50, stranger);
    await kit.settled();
    const statementsFor = async (first: number) => {
      kit.counter.reset();
      const page = await stranger.client.data<Page>(NOTIFICATIONS, { first });
      expect(page.notifications.edges).toHaveLength(first);
      return kit.counter.statements.map((sql) => sql.split(/\s+/).slice(0, 4).join(' '));
    };
    const ten = await statementsFor(10);
    const fifty = await statementsFor(50);
    expect(ten).toHaveLength(1);
    expect(fifty).toEqual(ten);
  });
});
