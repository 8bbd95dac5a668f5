// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { parseChatConfig, startChatService } from '@jobber/chat';
import { parseUsersConfig, startUsersService } from '@jobber/users';
import {
  becomeSeller,
  errorCodes,
  eventually,
  signAccessToken,
  signUpMember,
  startTestSupergraph,
  waitForBuyerProfile,
  type Member,
  type TestSupergraph,
} from '@jobber/test-kit';
import { ChatWorld, SEND_MESSAGE, chatTimers } from './chat-kit.js';
import { gatewaySocket, subscribeTo, type Received } from './subscription-client.js';

// Issue 15, "Acceptance": chat through the gateway with a real graphql-ws client, auth, users
// and chat each a real service. Alice is a seller, Bob a buyer, Eve not in their conversation,
// Dan in no conversation at all.

const MESSAGE_ADDED = `subscription ($id: ID!) {
  messageAdded(conversationId: $id) {
    id body conversation { id }
    sender { id username sellerProfile { fullName } online }
    offer { state priceCents gig { id } }
  }
}`;
const CONVERSATION_UPDATED = `subscription { conversationUpdated { id unreadCount lastMessage { body readAt } } }`;
const TYPING = `subscription ($id: ID!) { typing(conversationId: $id) { conversationId user { id username } } }`;
const PRESENCE = `subscription { presenceChanged { user { id username } online lastSeenAt } }`;
const CONVERSATION = `query ($id: ID!) {
  conversation(id: $id) { id otherParticipant { id username online lastSeenAt } messages { edges { node { body } } } }
}`;

let supergraph: TestSupergraph;
let chat: ChatWorld;
let alice: Member;
let bob: Member;
let eve: Member;
let dan: Member;
let conversationId: string;
const token: Record<string, string> = {};

function dataOf<T>(received: Received, field: string): T[] {
  return received.results
    .map((result) => (result.data as Record<string, T> | null | undefined)?.[field])
    .filter((value): value is T => value !== undefined && value !== null);
}

function codesOf(received: Received): unknown[] {
  return received.results.flatMap(
    (result) => result.errors?.map((error) => error.extensions?.['code']) ?? [],
  );
}

beforeAll(async () => {
  supergraph = await startTestSupergraph(
    {
      auth: (env) => startAuthService(parseAuthConfig(env)),
      users: (env) => startUsersService(parseUsersConfig(env)),
      chat: (env) => startChatService(parseChatConfig({ ...env, ...chatTimers })),
    },
    { gatewayEnv: { SUBSCRIPTION_UPSTREAM_IDLE_MS: '0' } },
  );
  chat = ChatWorld.open(supergraph);
  [alice, bob, eve, dan] = await Promise.all([
    signUpMember(supergraph.client),
    signUpMember(supergraph.client),
    signUpMember(supergraph.client),
    signUpMember(supergraph.client),
  ]);
  await Promise.all([alice, bob, eve, dan].map((member) => waitForBuyerProfile(member)));
  await becomeSeller(alice);
  await chat.knows(alice, bob, eve, dan);
  for (const member of [alice, bob, eve, dan]) {
    token[member.id] = await signAccessToken(supergraph.keys, { userId: member.id });
  }
  const { sendMessage } = await alice.client.data<{
    sendMessage: { conversation: { id: string } };
  }>(SEND_MESSAGE, { recipientId: bob.id, body: 'Hello Bob' });
  conversationId = sendMessage.conversation.id;
}, 90_000);
afterAll(async () => {
  await chat?.close();
  await supergraph?.stop();
});

describe('chat through the gateway', () => {
  it('delivers each message to the receiver with fields of auth and users', async () => {
    const bobs = gatewaySocket(supergraph.gatewayUrl, token[bob.id]);
    const live = subscribeTo(bobs, MESSAGE_ADDED, { id: conversationId });
    await chat.waitForOnline(bob.id, true);
    for (const body of ['one', 'two', 'three']) {
      await alice.client.data(SEND_MESSAGE, { conversationId, body });
    }
    await eventually(() => dataOf(live, 'messageAdded').length === 3, { what: 'three messages' });
    expect(live.results.every((result) => result.errors === undefined)).toBe(true);
    expect(dataOf<{ body: string }>(live, 'messageAdded').map((m) => m.body)).toEqual([
      'one',
      'two',
      'three',
    ]);
    expect(dataOf(live, 'messageAdded')[0]).toEqual({
      id: expect.any(String),
      body: 'one',
      conversation: { id: conversationId },
      sender: {
        id: alice.id,
        username: alice.username,
        sellerProfile: { fullName: `Seller ${alice.username}` },
        online: false,
      },
      offer: null,
    });
    await bobs.dispose();
    await chat.waitForOnline(bob.id, false);
  });

  it('keeps a third user out of the conversation: no subscription, no read, no write', async () => {
    const eves = gatewaySocket(supergraph.gatewayUrl, token[eve.id]);
    for (const [query, variables] of [
      [MESSAGE_ADDED, { id: conversationId }],
      [TYPING, { id: conversationId }],
    ] as const) {
      const refused = subscribeTo(eves, query, variables);
      expect(await refused.ended).toEqual({ completed: true });
      expect(codesOf(refused)).toEqual(['NOT_FOUND']);
      expect(refused.results.some((result) => result.data)).toBe(false);
    }
    // conversationUpdated is every conversation of the viewer's: Alice's and Bob's never show up.
    const updates = subscribeTo(eves, CONVERSATION_UPDATED);
    await chat.waitForOnline(eve.id, true);
    await alice.client.data(SEND_MESSAGE, { conversationId, body: 'not for Eve' });

    const read = await eve.client.request(CONVERSATION, { id: conversationId });
    expect(read.data).toEqual({ conversation: null });
    const write = await eve.client.request(SEND_MESSAGE, { conversationId, body: 'hi' });
    expect(errorCodes(write)).toEqual(['NOT_FOUND']);
    // A message to Eve herself does arrive, and nothing of the other conversation before it.
    await alice.client.data(SEND_MESSAGE, { recipientId: eve.id, body: 'Hello Eve' });
    await eventually(() => dataOf(updates, 'conversationUpdated').length === 1, {
      what: "Eve's own conversation",
    });
    expect(dataOf(updates, 'conversationUpdated')).toEqual([
      { id: expect.any(String), unreadCount: 1, lastMessage: { body: 'Hello Eve', readAt: null } },
    ]);
    expect(dataOf<{ id: string }>(updates, 'conversationUpdated')[0]?.id).not.toBe(conversationId);
    await eves.dispose();

    const anonymous = gatewaySocket(supergraph.gatewayUrl);
    const nobody = subscribeTo(anonymous, MESSAGE_ADDED, { id: conversationId });
    await nobody.ended;
    expect(codesOf(nobody)).toEqual(['UNAUTHENTICATED']);
    await anonymous.dispose();
  });

  it('delivers typing and read receipts', async () => {
    const bobs = gatewaySocket(supergraph.gatewayUrl, token[bob.id]);
    const alices = gatewaySocket(supergraph.gatewayUrl, token[alice.id]);
    const typing = subscribeTo(bobs, TYPING, { id: conversationId });
    const updates = subscribeTo(alices, CONVERSATION_UPDATED);
    await Promise.all([chat.waitForOnline(bob.id, true), chat.waitForOnline(alice.id, true)]);

    const setTyping = `mutation ($id: ID!) { setTyping(conversationId: $id) }`;
    await bob.client.data(setTyping, { id: conversationId }); // one's own typing is not shown
    await alice.client.data(setTyping, { id: conversationId });
    await eventually(() => dataOf(typing, 'typing').length === 1, { what: 'typing at Bob' });
    expect(dataOf(typing, 'typing')).toEqual([
      { conversationId, user: { id: alice.id, username: alice.username } },
    ]);

    // Bob reads: Alice (the sender) sees the read receipt on her conversation.
    await bob.client.data(
      `mutation ($id: ID!) { markConversationRead(conversationId: $id) { id unreadCount } }`,
      { id: conversationId },
    );
    const receipt = await eventually(
      () =>
        dataOf<{ id: string; lastMessage: { readAt: string | null } }>(
          updates,
          'conversationUpdated',
        ).find((update) => update.id === conversationId && update.lastMessage.readAt !== null),
      { what: 'the read receipt at Alice' },
    );
    expect(receipt).toEqual({
      id: conversationId,
      unreadCount: 0,
      lastMessage: { body: 'not for Eve', readAt: expect.any(String) },
    });
    await bobs.dispose();
    await alices.dispose();
  });

  it('delivers offers, and their changes, to the buyer', async () => {
    const gigId = await chat.publishGig(alice.id);
    const bobs = gatewaySocket(supergraph.gatewayUrl, token[bob.id]);
    const messages = subscribeTo(bobs, MESSAGE_ADDED, { id: conversationId });
    const updates = subscribeTo(
      bobs,
      `subscription { conversationUpdated { id lastMessage { offer { id state } } } }`,
    );
    await chat.waitForOnline(bob.id, true);
    // Both streams are open on chat once each has one event (presence counts the user once).
    await alice.client.data(SEND_MESSAGE, { conversationId, body: 'an offer follows' });
    await eventually(
      () => messages.results.length === 1 && dataOf(updates, 'conversationUpdated').length === 1,
      { what: 'both streams open' },
    );

    const sendOffer = `mutation ($id: ID!, $gigId: ID!) {
      sendOffer(conversationId: $id, gigId: $gigId, priceCents: 12000, deliveryDays: 4, description: "Three logo drafts") { id offer { id } }
    }`;
    // Only the gig's seller may offer it.
    expect(errorCodes(await bob.client.request(sendOffer, { id: conversationId, gigId }))).toEqual([
      'FORBIDDEN',
    ]);
    const { sendOffer: sent } = await alice.client.data<{ sendOffer: { offer: { id: string } } }>(
      sendOffer,
      { id: conversationId, gigId },
    );
    await eventually(() => dataOf(messages, 'messageAdded').length === 2, { what: 'the offer' });
    expect(dataOf(messages, 'messageAdded')[1]).toMatchObject({
      sender: { id: alice.id, sellerProfile: { fullName: `Seller ${alice.username}` } },
      offer: { state: 'OPEN', priceCents: 12_000, gig: { id: gigId } },
    });

    await bob.client.data(`mutation ($id: ID!) { declineOffer(offerId: $id) { state } }`, {
      id: sent.offer.id,
    });
    await eventually(
      () =>
        dataOf<{ lastMessage: { offer: { state: string } | null } }>(
          updates,
          'conversationUpdated',
        ).some((update) => update.lastMessage.offer?.state === 'DECLINED'),
      { what: 'the declined offer' },
    );
    await bobs.dispose();
  });

  it('tracks presence through the gateway: presenceChanged and User.online', async () => {
    const alices = gatewaySocket(supergraph.gatewayUrl, token[alice.id]);
    const presence = subscribeTo(alices, PRESENCE);
    await chat.waitForOnline(alice.id, true);
    await chat.waitForOnline(bob.id, false);
    const latest = () =>
      dataOf<{ user: { id: string }; online: boolean }>(presence, 'presenceChanged')
        .filter((change) => change.user.id === bob.id)
        .at(-1);
    const seenByAlice = async () =>
      (
        await alice.client.data<{
          conversation: { otherParticipant: { online: boolean; lastSeenAt: string | null } };
        }>(CONVERSATION, { id: conversationId })
      ).conversation.otherParticipant;

    const bobs = gatewaySocket(supergraph.gatewayUrl, token[bob.id]);
    subscribeTo(bobs, CONVERSATION_UPDATED);
    await eventually(() => latest()?.online === true, { what: 'Bob online at Alice' });
    expect(dataOf(presence, 'presenceChanged').at(-1)).toMatchObject({
      user: { id: bob.id, username: bob.username },
      online: true,
    });
    expect((await seenByAlice()).online).toBe(true);

    await bobs.dispose();
    await eventually(() => latest()?.online === false, { what: 'Bob offline at Alice' });
    const seen = await seenByAlice();
    expect(seen.online).toBe(false);
    expect(seen.lastSeenAt).toEqual(expect.any(String));
    // Dan is no partner of Alice's: his presence is not Alice's business.
    const dans = gatewaySocket(supergraph.gatewayUrl, token[dan.id]);
    subscribeTo(dans, CONVERSATION_UPDATED);
    await chat.waitForOnline(dan.id, true);
    await dans.dispose();
    await chat.waitForOnline(dan.id, false);
    // Events of one stream arrive in order: everything announced before Bob's next change has
    // arrived once that has.
    const again = gatewaySocket(supergraph.gatewayUrl, token[bob.id]);
    subscribeTo(again, CONVERSATION_UPDATED);
    await eventually(() => latest()?.online === true, { what: 'Bob online again' });
    expect(
      dataOf<{ user: { id: string } }>(presence, 'presenceChanged').some(
        (change) => change.user.id === dan.id,
      ),
    ).toBe(false);
    await again.dispose();
    await alices.dispose();
  });

  it('refuses an expired token with 4401', async () => {
    const expired = await signAccessToken(supergraph.keys, {
      userId: bob.id,
      expiresInSeconds: -60,
    });
    const socket = gatewaySocket(supergraph.gatewayUrl, expired);
    const refused = subscribeTo(socket, MESSAGE_ADDED, { id: conversationId });
    expect(await refused.ended).toMatchObject({ code: 4401 });
    expect(refused.results).toEqual([]);
  });
});
