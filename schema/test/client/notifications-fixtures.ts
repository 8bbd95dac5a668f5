import { expect } from 'vitest';
import { eventually, type GraphQLClient, type Member } from '@jobber/test-kit';
import {
  MarkNotificationsReadDocument,
  NotificationAddedDocument,
  NotificationPreferencesDocument,
  NotificationsDocument,
  SendMessageDocument,
  UnreadNotificationCountDocument,
  UpdateNotificationPreferencesDocument,
} from '../../generated/client/graphql.js';
import { gatewaySocket, subscribeTo } from '../subscription-client.js';
import { executeData } from './execute.js';
import { operation, subscription } from './operation-fixture.js';
import type { World } from './world.js';

/** A seller messages a member who is offline in chat: notifications tells the member. */
async function messaged(world: World) {
  const [seller, member] = await Promise.all([world.seller(), world.member()]);
  await world.chat().knows(seller, member);
  const send = (body: string) =>
    executeData(seller.client, SendMessageDocument, { recipientId: member.id, body }).then(
      () => undefined,
    );
  return { seller, member, send };
}

/** Waits until the member has at least `count` unread notifications. */
async function unread(client: GraphQLClient, count = 1): Promise<void> {
  await eventually(
    async () => {
      const data = await executeData(client, UnreadNotificationCountDocument, {});
      return (data.unreadNotificationCount ?? 0) >= count;
    },
    { what: `${count} unread notifications` },
  );
}

/** The fixtures of operations/notifications.graphql. */
export const notificationsFixtures = {
  Notifications: operation(NotificationsDocument, async (world) => {
    const { member, send } = await messaged(world);
    await send('Hello from the smoke test');
    await unread(member.client);
    return {
      client: member.client,
      variables: { first: 10, unreadOnly: true },
      check: (data) =>
        expect(data.notifications?.edges.map((edge) => edge.node)).toEqual([
          expect.objectContaining({
            kind: 'MESSAGE_RECEIVED',
            title: 'New message',
            body: 'Hello from the smoke test',
            readAt: null,
          }),
        ]),
    };
  }),

  UnreadNotificationCount: operation(UnreadNotificationCountDocument, async (world) => {
    const { member, send } = await messaged(world);
    await send('one');
    await unread(member.client);
    return {
      client: member.client,
      variables: {},
      check: (data) => expect(data.unreadNotificationCount).toBe(1),
    };
  }),

  MarkNotificationsRead: operation(MarkNotificationsReadDocument, async (world) => {
    const { member, send } = await messaged(world);
    await send('read me');
    await unread(member.client);
    return {
      client: member.client,
      variables: { all: true },
      check: (data) => expect(data.markNotificationsRead).toBe(0),
    };
  }),

  NotificationPreferences: operation(NotificationPreferencesDocument, async (world) => {
    const member: Member = await world.member();
    return {
      client: member.client,
      variables: {},
      check: (data) => {
        expect(data.notificationPreferences).toHaveLength(17);
        expect(data.notificationPreferences).toContainEqual({
          kind: 'SIGN_IN_CODE',
          email: true,
          inApp: true,
          emailOptional: false,
        });
      },
    };
  }),

  UpdateNotificationPreferences: operation(UpdateNotificationPreferencesDocument, async (world) => {
    const member = await world.member();
    return {
      client: member.client,
      variables: { preferences: [{ kind: 'MESSAGE_RECEIVED' as const, email: false }] },
      check: (data) =>
        expect(data.updateNotificationPreferences).toContainEqual({
          kind: 'MESSAGE_RECEIVED',
          email: false,
          inApp: true,
          emailOptional: true,
        }),
    };
  }),

  NotificationAdded: subscription(NotificationAddedDocument, async (world) => {
    const { member, send } = await messaged(world);
    const token = await world.token(member);
    return {
      token,
      variables: {},
      // Nothing on the server shows the stream is open: a second stream opened after it gets a
      // notification, so the first one (opened earlier, same gateway and process) is live too.
      live: async () => {
        const socket = gatewaySocket(world.gatewayUrl, token);
        try {
          const probe = subscribeTo(socket, 'subscription { notificationAdded { id } }');
          await eventually(
            async () => {
              if (probe.results.length > 0) return true;
              await send('are you there?');
              return false;
            },
            { intervalMs: 300, maxIntervalMs: 300, what: 'a live notificationAdded' },
          );
        } finally {
          await socket.dispose();
        }
      },
      trigger: () => send('live'),
      check: (data) =>
        expect(data.notificationAdded).toMatchObject({ kind: 'MESSAGE_RECEIVED', readAt: null }),
    };
  }),
};
