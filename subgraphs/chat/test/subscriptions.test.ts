// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@jobber/test-kit';
import { ChatKit, SEND_TO, type LiveSubscription, type TestAccount } from './chat-kit.js';

// Subscriptions straight on chat processes over graphql-ws, with the credentials the gateway
// signs: the connection's (no viewer) and each operation's (the viewer).

const MESSAGE_ADDED = `subscription ($id: ID!) {
  messageAdded(conversationId: $id) { id body sender { id } conversation { id unreadCount } offer { state } }
}`;
const CONVERSATION_UPDATED = `subscription { conversationUpdated { id unreadCount lastMessage { body } } }`;
const TYPING = `subscription ($id: ID!) { typing(conversationId: $id) { conversationId user { id } startedAt } }`;
const PRESENCE = `subscription { presenceChanged { user { id } online lastSeenAt } }`;
const ONLINE = `query ($id: ID!) { conversation(id: $id) { otherParticipant { id online lastSeenAt } } }`;

function dataOf(subscription: LiveSubscription, field: string): unknown[] {
  return subscription.results.map((result) => result.data?.[field]).filter(Boolean);
}

function errorCodes(subscription: LiveSubscription): unknown[] {
  return subscription.results.flatMap(
    (result) => result.errors?.map((e) => e.extensions?.code) ?? [],
  );
}

async function online(viewer: TestAccount, conversationId: string) {
  const { conversation } = await viewer.client.data<{
    conversation: { otherParticipant: { online: boolean; lastSeenAt: string | null } };
  }>(ONLINE, { id: conversationId });
  return conversation.otherParticipant;
}

describe('chat subscriptions on the subgraph', () => {
  let kit: ChatKit;
  let alice: TestAccount;
  let bob: TestAccount;
  let eve: TestAccount;
  let conversationId: string;

  beforeAll(async () => {
    kit = await ChatKit.start();
    [alice, bob, eve] = (await kit.register(3)) as [TestAccount, TestAccount, TestAccount];
    conversationId = await kit.converse(alice, bob, 'first');
  });
  afterAll(async () => {
    await kit?.stop();
  });

  it('delivers messageAdded to a participant, and refuses anonymous and non-participant subscribers', async () => {
    const socket = await kit.socket();
    const bobs = await kit.subscribe(socket, bob, MESSAGE_ADDED, { id: conversationId });
    const eves = await kit.subscribe(socket, eve, MESSAGE_ADDED, { id: conversationId });
    const anonymous = await kit.subscribe(socket, null, MESSAGE_ADDED, { id: conversationId });
    await Promise.all([eves.done, anonymous.done]);
    expect(errorCodes(eves)).toEqual(['NOT_FOUND']);
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
    await kit.waitForOnline(bob.id, true);

    await alice.client.data(SEND_TO, { conversationId, body: 'are you there?' });
    const [message] = (await eventually(
      () => (dataOf(bobs, 'messageAdded').length > 0 ? dataOf(bobs, 'messageAdded') : null),
      { what: 'messageAdded at bob' },
    )) as { body: string; sender: { id: string }; conversation: { unreadCount: number } }[];
    expect(message).toMatchObject({
      body: 'are you there?',
      sender: { id: alice.id },
      conversation: { id: conversationId, unreadCount: 2 },
      offer: null,
    });
    // A message elsewhere does not reach this stream.
    await kit.converse(eve, bob, 'hello from eve');
    await alice.client.data(SEND_TO, { conversationId, body: 'second' });
    await eventually(() => dataOf(bobs, 'messageAdded').length === 2, { what: 'second message' });
    expect(dataOf(bobs, 'messageAdded').map((m) => (m as { body: string }).body)).toEqual([
      'are you there?',
      'second',
    ]);
    await bobs.stop();
    await kit.waitForOnline(bob.id, false);
  });

  it('delivers conversationUpdated for new messages and read receipts, with fresh counts each time', async () => {
    const socket = await kit.socket();
    const alices = await kit.subscribe(socket, alice, CONVERSATION_UPDATED);
    await kit.waitForOnline(alice.id, true);
    await bob.client.data(SEND_TO, { conversationId, body: 'update one' });
    await eventually(() => dataOf(alices, 'conversationUpdated').length === 1, { what: 'update' });
    await alice.client.data(
      `mutation ($id: ID!) { markConversationRead(conversationId: $id) { id } }`,
      {
        id: conversationId,
      },
    );
    await eventually(() => dataOf(alices, 'conversationUpdated').length === 2, {
      what: 'read receipt',
    });
    expect(dataOf(alices, 'conversationUpdated')).toEqual([
      { id: conversationId, unreadCount: 1, lastMessage: { body: 'update one' } },
      { id: conversationId, unreadCount: 0, lastMessage: { body: 'update one' } },
    ]);
    // Eve's conversations never show up in Alice's stream.
    const eves = await kit.subscribe(socket, eve, CONVERSATION_UPDATED);
    await kit.waitForConnections(eve.id, 1);
    await kit.converse(eve, bob, 'eve again');
    await eventually(() => dataOf(eves, 'conversationUpdated').length === 1, {
      what: 'eve update',
    });
    expect(dataOf(alices, 'conversationUpdated')).toHaveLength(2);
    await alices.stop();
    await eves.stop();
  });

  it('delivers typing of the other participant only', async () => {
    const socket = await kit.socket();
    const bobs = await kit.subscribe(socket, bob, TYPING, { id: conversationId });
    const eves = await kit.subscribe(socket, eve, TYPING, { id: conversationId });
    await eves.done;
    expect(errorCodes(eves)).toEqual(['NOT_FOUND']);
    await kit.waitForOnline(bob.id, true);
    const setTyping = `mutation ($id: ID!) { setTyping(conversationId: $id) }`;
    await bob.client.data(setTyping, { id: conversationId });
    await alice.client.data(setTyping, { id: conversationId });
    await eventually(() => dataOf(bobs, 'typing').length === 1, { what: 'typing' });
    expect(dataOf(bobs, 'typing')).toMatchObject([{ conversationId, user: { id: alice.id } }]);
    await bobs.stop();
  });

  it('tracks presence: partners see online and offline, User.online follows', async () => {
    const socket = await kit.socket();
    const alices = await kit.subscribe(socket, alice, PRESENCE);
    await kit.waitForOnline(alice.id, true);
    await kit.waitForOnline(bob.id, false);
    expect((await online(alice, conversationId)).online).toBe(false);

    // An offline announcement of Bob's from the test before may still be on its way: look at the latest.
    const latest = () =>
      dataOf(alices, 'presenceChanged').at(-1) as
        { user: { id: string }; online: boolean } | undefined;
    const bobs = await kit.subscribe(socket, bob, CONVERSATION_UPDATED);
    await eventually(() => latest()?.online === true, { what: 'bob online' });
    expect(latest()?.user).toEqual({ id: bob.id });
    expect((await online(alice, conversationId)).online).toBe(true);
    // A second subscription of Bob's changes nothing; ending one of two keeps him online.
    // (One process holds one row per user: the second subscription is known to be open once it
    // has received something.)
    const bobsSecond = await kit.subscribe(socket, bob, MESSAGE_ADDED, { id: conversationId });
    await alice.client.data(SEND_TO, { conversationId, body: 'ping' });
    await eventually(() => bobsSecond.results.length === 1, { what: "bob's second subscription" });
    const announced = dataOf(alices, 'presenceChanged').length;
    await bobs.stop();
    expect((await online(alice, conversationId)).online).toBe(true);
    await bobsSecond.stop();
    await eventually(() => latest()?.online === false, { what: 'bob offline' });
    expect(dataOf(alices, 'presenceChanged')).toHaveLength(announced + 1);
    const seen = await online(alice, conversationId);
    expect(seen.online).toBe(false);
    expect(seen.lastSeenAt).not.toBeNull();
    // Eve is no partner of Alice's: her presence is not Alice's business.
    const eves = await kit.subscribe(socket, eve, CONVERSATION_UPDATED);
    await kit.waitForOnline(eve.id, true);
    await eves.stop();
    await kit.waitForOnline(eve.id, false);
    await bob.client.data(SEND_TO, { conversationId, body: 'marker' });
    const bobsThird = await kit.subscribe(socket, bob, CONVERSATION_UPDATED);
    await eventually(() => latest()?.online === true, { what: 'bob again' });
    expect(
      dataOf(alices, 'presenceChanged').some(
        (p) => (p as { user: { id: string } }).user.id === eve.id,
      ),
    ).toBe(false);
    await bobsThird.stop();
    await alices.stop();
  });

  it('delivers to 50 subscriptions with the same SQL statements as to 1', async () => {
    const socket = await kit.socket();
    // Presence heartbeats and the offer sweeper run on their own clocks: not the delivery's.
    const counted = () => kit.counter.statements.filter((sql) => !/presence|offer_state/.test(sql));
    /** Until no counted statement has run for 300 ms. */
    const quiet = async () => {
      let seen = -1;
      await eventually(
        () => {
          const now = counted().length;
          const settled = now === seen;
          seen = now;
          return settled;
        },
        { what: 'no statements for 300 ms', intervalMs: 300 },
      );
    };
    const measure = async (count: number) => {
      const streams = await Promise.all(
        Array.from({ length: count }, () =>
          kit.subscribe(socket, bob, MESSAGE_ADDED, { id: conversationId }),
        ),
      );
      // Every stream is listening once it has received a first message (sent until they have).
      await eventually(
        async () => {
          await alice.client.data(SEND_TO, { conversationId, body: 'warm-up' });
          return streams.every((stream) => stream.results.length > 0);
        },
        { what: `${count} streams listening`, intervalMs: 200 },
      );
      const got = (stream: LiveSubscription) =>
        stream.results.some(
          (result) => (result.data?.['messageAdded'] as { body: string })?.body === 'counted',
        );
      // A warm-up message still being delivered would be counted with the measured one.
      await quiet();
      kit.counter.reset();
      await alice.client.data(SEND_TO, { conversationId, body: 'counted' });
      await eventually(() => streams.every(got), { what: `${count} deliveries` });
      await quiet();
      const statements = counted();
      await Promise.all(streams.map((stream) => stream.stop()));
      return statements.length;
    };
    const one = await measure(1);
    const fifty = await measure(50);
    expect(fifty).toBe(one);
  });

  it('ends the subscriptions of a socket that closes, and the user goes offline', async () => {
    const socket = await kit.socket();
    await kit.subscribe(socket, eve, CONVERSATION_UPDATED);
    await kit.waitForOnline(eve.id, true);
    await socket.dispose();
    await kit.waitForOnline(eve.id, false);
  });
});
