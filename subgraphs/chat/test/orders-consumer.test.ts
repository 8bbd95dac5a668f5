// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope } from '@jobber/events';
import { eventually } from '@jobber/test-kit';
import { ChatKit, MESSAGE_FIELDS, type MessageJson } from './chat-kit.js';

// chat.orders: an offer becomes ACCEPTED only when orders announces its paid order
// (orders.order.placed with its offerId), announced once as chat.offer.updated.

const SEND_OFFER = `mutation ($conversationId: ID!, $gigId: ID!) {
  sendOffer(conversationId: $conversationId, gigId: $gigId, priceCents: 25000, deliveryDays: 5, description: "Two logos") { ${MESSAGE_FIELDS} }
}`;
const MESSAGES = `query ($id: ID!) { conversation(id: $id) { messages { edges { node { ${MESSAGE_FIELDS} } } } } }`;

let kit: ChatKit;
beforeAll(async () => {
  kit = await ChatKit.start();
});
afterAll(async () => {
  await kit?.stop();
});

describe('chat.orders', () => {
  it('marks the offer ACCEPTED when its order is placed, once however often the event comes', async () => {
    const [seller, buyer] = await kit.register(2);
    if (!seller || !buyer) throw new Error('no accounts');
    const gigId = await kit.publishGig({ sellerId: seller.id });
    const conversationId = await kit.converse(buyer, seller);
    const { sendOffer } = await seller.client.data<{ sendOffer: MessageJson }>(SEND_OFFER, {
      conversationId,
      gigId,
    });
    const offerId = sendOffer.id;
    const now = new Date().toISOString();
    const placed = (offer: string | null) =>
      createEnvelope(
        'orders',
        'orders.order.placed',
        {
          orderId: randomUUID(),
          orderNumber: 'FO-ABCDEFG',
          gigId,
          gigTitle: 'A logo',
          buyerId: buyer.id,
          sellerId: seller.id,
          offerId: offer,
          priceCents: 25_000,
          serviceFeeCents: 1_375,
          totalCents: 26_375,
          sellerEarningsCents: 20_000,
          currency: 'USD',
          status: 'PLACED',
          dueAt: now,
          placedAt: now,
          actorId: buyer.id,
          occurredAt: now,
        },
        new Date(),
        2,
      );
    const event = placed(offerId);
    // An order of the gig's listed price (no offer) touches nothing.
    await kit.publisher.publish([placed(null), event, event]);
    await eventually(
      async () => {
        const { conversation } = await buyer.client.data<{
          conversation: { messages: { edges: { node: MessageJson }[] } };
        }>(MESSAGES, { id: conversationId });
        const offer = conversation.messages.edges.find((edge) => edge.node.id === offerId);
        return offer?.node.offer?.state === 'ACCEPTED' ? true : null;
      },
      { what: 'the offer accepted' },
    );
    // Redelivered: handled once (inbox); a later duplicate of another id finds it ACCEPTED.
    await kit.publisher.publish([{ ...event, id: randomUUID() }]);
    await eventually(async () => {
      const { rows } = await kit.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM inbox_events WHERE consumer = 'chat.orders'`,
      );
      return rows[0]?.n === 3 ? true : null;
    });
    const { rows } = await kit.db.query<{ state: string }>(
      `SELECT payload->'data'->>'state' AS state FROM outbox_events
       WHERE type = 'chat.offer.updated' AND payload->'data'->>'offerId' = $1`,
      [offerId],
    );
    expect(rows.map((row) => row.state)).toEqual(['ACCEPTED']);
  });
});
