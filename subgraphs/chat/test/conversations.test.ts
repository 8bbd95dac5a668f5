// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@jobber/test-kit';
import {
  ChatKit,
  MESSAGE_FIELDS,
  SEND_TO,
  codes,
  type MessageJson,
  type TestAccount,
} from './chat-kit.js';

// Slow timers: no heartbeat or sweep statements while statements are counted.
const slowTimers = {
  PRESENCE_HEARTBEAT_MS: '600000',
  PRESENCE_TTL_MS: '1200000',
  CHAT_SWEEP_MS: '600000',
};

const SEND_OFFER = `mutation ($conversationId: ID!, $gigId: ID!, $priceCents: Int!, $deliveryDays: Int!, $description: String!) {
  sendOffer(conversationId: $conversationId, gigId: $gigId, priceCents: $priceCents, deliveryDays: $deliveryDays, description: $description) { ${MESSAGE_FIELDS} }
}`;
const MARK_READ = `mutation ($id: ID!) { markConversationRead(conversationId: $id) { id unreadCount } }`;
const DECLINE = `mutation ($id: ID!) { declineOffer(offerId: $id) { id state } }`;
const CANCEL = `mutation ($id: ID!) { cancelOffer(offerId: $id) { id state } }`;
const TYPING = `mutation ($id: ID!) { setTyping(conversationId: $id) }`;
const CONVERSATION = `query ($id: ID!) {
  conversation(id: $id) {
    id unreadCount participants { id } otherParticipant { id } lastMessage { id body }
    messages(last: 2) { edges { node { id body } } pageInfo { hasPreviousPage startCursor } }
  }
}`;
const CONVERSATIONS = `query ($first: Int, $after: String) {
  conversations(first: $first, after: $after) {
    edges { cursor node { id unreadCount updatedAt otherParticipant { id online lastSeenAt } lastMessage { id body sender { id } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface ConversationsJson {
  conversations: {
    edges: { node: { id: string; unreadCount: number; lastMessage: { body: string } | null } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

describe('chat: conversations, messages and offers through the gateway', () => {
  let kit: ChatKit;
  let buyer: TestAccount;
  let seller: TestAccount;
  let stranger: TestAccount;
  let conversationId: string;
  let gigId: string;

  beforeAll(async () => {
    // The burst test sends 4× the pool's connections at once: on a loaded machine the last ones
    // wait longer than the default 2 s for a connection. A send that held a second connection
    // inside its transaction (the bug it guards against) would still deadlock the pool.
    kit = await ChatKit.start({ ...slowTimers, DATABASE_POOL_TIMEOUT_MS: '20000' });
    [buyer, seller, stranger] = (await kit.register(3)) as [TestAccount, TestAccount, TestAccount];
    conversationId = await kit.converse(buyer, seller, 'Hi, can you draw a logo?');
    gigId = await kit.publishGig({ sellerId: seller.id });
  });
  afterAll(async () => {
    await kit?.stop();
  });

  it('sends by recipient (one conversation per pair) and by conversation, with limits on the body', async () => {
    const again = await kit.converse(seller, buyer, 'Sure!');
    expect(again).toBe(conversationId);
    const { sendMessage } = await buyer.client.data<{ sendMessage: MessageJson }>(SEND_TO, {
      conversationId,
      body: '  Great  ',
      attachmentUrl: 'https://cdn.example.com/brief.pdf',
    });
    expect(sendMessage).toMatchObject({
      body: 'Great',
      attachmentUrl: 'https://cdn.example.com/brief.pdf',
      readAt: null,
      sender: { id: buyer.id },
      conversation: { id: conversationId },
      offer: null,
    });

    const empty = await buyer.client.request(SEND_TO, { conversationId, body: '   ' });
    const long = await buyer.client.request(SEND_TO, { conversationId, body: 'x'.repeat(5001) });
    const both = await buyer.client.request(SEND_TO, {
      conversationId,
      recipientId: seller.id,
      body: 'hi',
    });
    const self = await buyer.client.request(SEND_TO, { recipientId: buyer.id, body: 'hi' });
    const unknown = await buyer.client.request(SEND_TO, { recipientId: randomUUID(), body: 'hi' });
    expect([empty, long, both, self].map(codes)).toEqual([
      ['BAD_USER_INPUT'],
      ['BAD_USER_INPUT'],
      ['BAD_USER_INPUT'],
      ['BAD_USER_INPUT'],
    ]);
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    const max = await buyer.client.request(SEND_TO, { conversationId, body: 'y'.repeat(5000) });
    expect(max.errors).toEqual([]);
  });

  it('lets only participants write: the authorization matrix of every mutation', async () => {
    const { sendOffer } = await seller.client.data<{ sendOffer: MessageJson }>(SEND_OFFER, {
      conversationId,
      gigId,
      priceCents: 12_000,
      deliveryDays: 5,
      description: 'Logo, three drafts',
    });
    const offerId = sendOffer.id;
    const anonymous = kit.client;
    const cases: [string, string, Record<string, unknown>][] = [
      ['sendMessage', SEND_TO, { conversationId, body: 'hi' }],
      ['markConversationRead', MARK_READ, { id: conversationId }],
      ['setTyping', TYPING, { id: conversationId }],
      [
        'sendOffer',
        SEND_OFFER,
        { conversationId, gigId, priceCents: 1000, deliveryDays: 1, description: 'x' },
      ],
      ['declineOffer', DECLINE, { id: offerId }],
      ['cancelOffer', CANCEL, { id: offerId }],
    ];
    for (const [name, mutation, variables] of cases) {
      expect([name, codes(await anonymous.request(mutation, variables))]).toEqual([
        name,
        ['UNAUTHENTICATED'],
      ]);
      expect([name, codes(await stranger.client.request(mutation, variables))]).toEqual([
        name,
        ['NOT_FOUND'],
      ]);
    }
    // Participants, each where the rules allow them.
    expect((await buyer.client.request(SEND_TO, { conversationId, body: 'hi' })).errors).toEqual(
      [],
    );
    expect((await buyer.client.request(MARK_READ, { id: conversationId })).errors).toEqual([]);
    expect(await buyer.client.data(TYPING, { id: conversationId })).toEqual({ setTyping: true });
    // The buyer is a participant but not the gig's seller; the seller cannot decline, the buyer cannot cancel.
    expect(codes(await buyer.client.request(SEND_OFFER, cases[3]?.[2]))).toEqual(['FORBIDDEN']);
    expect(codes(await seller.client.request(DECLINE, { id: offerId }))).toEqual(['FORBIDDEN']);
    expect(codes(await buyer.client.request(CANCEL, { id: offerId }))).toEqual(['FORBIDDEN']);
    expect(await buyer.client.data(DECLINE, { id: offerId })).toEqual({
      declineOffer: { id: offerId, state: 'DECLINED' },
    });
    // Answered once: a second answer conflicts.
    expect(codes(await buyer.client.request(DECLINE, { id: offerId }))).toEqual(['CONFLICT']);
    expect(codes(await seller.client.request(CANCEL, { id: offerId }))).toEqual(['CONFLICT']);
  });

  it('takes offers only for the seller’s own, known, active gigs; the seller cancels', async () => {
    const offer = (gig: string) => ({
      conversationId,
      gigId: gig,
      priceCents: 5_000,
      deliveryDays: 2,
      description: 'A custom offer',
    });
    const othersGig = await kit.publishGig({ sellerId: stranger.id });
    expect(codes(await seller.client.request(SEND_OFFER, offer(othersGig)))).toEqual(['FORBIDDEN']);
    expect(codes(await seller.client.request(SEND_OFFER, offer(randomUUID())))).toEqual([
      'NOT_FOUND',
    ]);
    // A paused gig (its later version) refuses offers.
    const paused = await kit.publishGig({ sellerId: seller.id });
    await kit.publishGig(
      { gigId: paused, sellerId: seller.id, active: false },
      3,
      'gigs.gig.updated',
    );
    expect(codes(await seller.client.request(SEND_OFFER, offer(paused)))).toEqual(['CONFLICT']);
    // An older version arriving late (active again) is skipped: the snapshot stays at version 3.
    await kit.publishGig(
      { gigId: paused, sellerId: seller.id, active: true },
      2,
      'gigs.gig.updated',
    );
    expect(codes(await seller.client.request(SEND_OFFER, offer(paused)))).toEqual(['CONFLICT']);
    await kit.deleteGig(paused, seller.id, 4);
    expect(codes(await seller.client.request(SEND_OFFER, offer(paused)))).toEqual(['NOT_FOUND']);
    const bad = await seller.client.request(SEND_OFFER, { ...offer(gigId), priceCents: 0 });
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);

    const { sendOffer } = await seller.client.data<{ sendOffer: MessageJson }>(
      SEND_OFFER,
      offer(gigId),
    );
    expect(sendOffer.offer).toMatchObject({
      state: 'OPEN',
      priceCents: 5_000,
      deliveryDays: 2,
      description: 'A custom offer',
      gig: { id: gigId },
      seller: { id: seller.id },
      buyer: { id: buyer.id },
    });
    const expires = new Date(sendOffer.offer?.expiresAt ?? 0).getTime();
    const sent = new Date(sendOffer.createdAt).getTime();
    expect(expires - sent).toBe(7 * 24 * 60 * 60 * 1000);
    expect(await seller.client.data(CANCEL, { id: sendOffer.id })).toEqual({
      cancelOffer: { id: sendOffer.id, state: 'CANCELLED' },
    });
  });

  it('shows an offer past its 7 days EXPIRED on read, and refuses to answer it', async () => {
    const { sendOffer } = await seller.client.data<{ sendOffer: MessageJson }>(SEND_OFFER, {
      conversationId,
      gigId,
      priceCents: 9_900,
      deliveryDays: 1,
      description: 'Expiring',
    });
    // Eight days ago, as far as the database knows (the sweep has not run: slow timers).
    await kit.db.query(
      `UPDATE messages SET created_at = created_at - interval '8 days',
         offer_expires_at = offer_expires_at - interval '8 days' WHERE id = $1`,
      [sendOffer.id],
    );
    const { conversation } = await buyer.client.data<{
      conversation: { messages: { edges: { node: { id: string } }[] } };
    }>(
      `query ($id: ID!) { conversation(id: $id) { messages(last: 100) { edges { node { id offer { state } } } } } }`,
      { id: conversationId },
    );
    expect(JSON.stringify(conversation)).toContain(
      `"id":"${sendOffer.id}","offer":{"state":"EXPIRED"}`,
    );
    expect(codes(await buyer.client.request(DECLINE, { id: sendOffer.id }))).toEqual(['CONFLICT']);
    const { rows } = await kit.db.query<{ offer_state: string }>(
      'SELECT offer_state FROM messages WHERE id = $1',
      [sendOffer.id],
    );
    expect(rows[0]?.offer_state).toBe('OPEN');
  });

  it('reads a conversation only as a participant; unread counts follow markConversationRead', async () => {
    const seen = await seller.client.data<{ conversation: { unreadCount: number } | null }>(
      CONVERSATION,
      { id: conversationId },
    );
    expect(seen.conversation?.unreadCount).toBeGreaterThan(0);
    expect(await stranger.client.data(CONVERSATION, { id: conversationId })).toEqual({
      conversation: null,
    });
    expect(codes(await kit.client.request(CONVERSATION, { id: conversationId }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect(await seller.client.data(MARK_READ, { id: conversationId })).toEqual({
      markConversationRead: { id: conversationId, unreadCount: 0 },
    });
    const after = await seller.client.data<{
      conversation: {
        participants: { id: string }[];
        otherParticipant: { id: string };
        messages: { pageInfo: { hasPreviousPage: boolean } };
      };
    }>(CONVERSATION, { id: conversationId });
    expect(after.conversation.otherParticipant).toEqual({ id: buyer.id });
    expect(after.conversation.participants.map((user) => user.id).sort()).toEqual(
      [buyer.id, seller.id].sort(),
    );
    expect(after.conversation.messages.pageInfo.hasPreviousPage).toBe(true);
  });

  it('pages messages back from the newest', async () => {
    const [a, b] = (await kit.register(2)) as [TestAccount, TestAccount];
    const id = await kit.converse(a, b, 'm1');
    for (const body of ['m2', 'm3', 'm4', 'm5']) {
      await a.client.data(SEND_TO, { conversationId: id, body });
    }
    const page = async (before?: string) =>
      (
        await b.client.data<{
          conversation: {
            messages: {
              edges: { node: { body: string } }[];
              pageInfo: { hasPreviousPage: boolean; startCursor: string };
            };
          };
        }>(
          `query ($id: ID!, $before: String) { conversation(id: $id) { messages(last: 2, before: $before) {
            edges { node { body } } pageInfo { hasPreviousPage startCursor } } } }`,
          { id, before },
        )
      ).conversation.messages;
    const newest = await page();
    expect(newest.edges.map((edge) => edge.node.body)).toEqual(['m4', 'm5']);
    const older = await page(newest.pageInfo.startCursor);
    expect(older.edges.map((edge) => edge.node.body)).toEqual(['m2', 'm3']);
    const oldest = await page(older.pageInfo.startCursor);
    expect([oldest.edges.map((edge) => edge.node.body), oldest.pageInfo.hasPreviousPage]).toEqual([
      ['m1'],
      false,
    ]);
  });

  it('lists conversations latest first, with unread counts, in the same statements for 10 and 50', async () => {
    const [viewer] = (await kit.register(1)) as [TestAccount];
    const partners = await kit.register(50);
    for (const partner of partners) await kit.converse(partner, viewer, `from ${partner.username}`);
    const measure = async (first: number) => {
      kit.counter.reset();
      const data = await viewer.client.data<ConversationsJson>(CONVERSATIONS, { first });
      return { data, count: kit.counter.count };
    };
    const ten = await measure(10);
    const fifty = await measure(50);
    expect(ten.data.conversations.edges).toHaveLength(10);
    expect(fifty.data.conversations.edges).toHaveLength(50);
    expect(fifty.count).toBe(ten.count);
    // page (1) + last messages (1) + unread counts (1) + presence (1)
    expect(ten.count).toBeGreaterThanOrEqual(3);
    expect(ten.count).toBeLessThanOrEqual(4);
    // Latest first: the last partner's conversation leads, every one unread once.
    const bodies = fifty.data.conversations.edges.map((edge) => edge.node.lastMessage?.body);
    expect(bodies[0]).toBe(`from ${partners.at(-1)?.username}`);
    expect(fifty.data.conversations.edges.every((edge) => edge.node.unreadCount === 1)).toBe(true);
    // Pages continue after the cursor without repeats.
    const next = await viewer.client.data<ConversationsJson>(CONVERSATIONS, {
      first: 30,
      after: ten.data.conversations.pageInfo.endCursor,
    });
    const ids = [...ten.data.conversations.edges, ...next.conversations.edges].map(
      (edge) => edge.node.id,
    );
    expect(new Set(ids).size).toBe(40);
    expect(ids).toEqual(fifty.data.conversations.edges.slice(0, 40).map((edge) => edge.node.id));
  });

  it('takes a burst of sends bigger than the pool (one connection per send transaction)', async () => {
    const sends = await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        buyer.client.request(SEND_TO, { conversationId, body: `burst ${n}` }),
      ),
    );
    expect(sends.flatMap(codes)).toEqual([]);
  });

  it('announces messages and offers through the outbox for the other subgraphs', async () => {
    await eventually(
      async () => {
        const { rows } = await kit.db.query<{ type: string }>(
          `SELECT DISTINCT type FROM outbox_events WHERE sent_at IS NOT NULL`,
        );
        const types = rows.map((row) => row.type);
        return [
          'chat.message.sent',
          'chat.offer.sent',
          'chat.offer.updated',
          'chat.conversation.read',
          'chat.typing.started',
        ].every((type) => types.includes(type))
          ? true
          : null;
      },
      { what: 'chat events published' },
    );
  });
});
