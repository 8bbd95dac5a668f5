// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedMail } from '@jobber/test-kit';
import { NotificationsKit, PUBLIC_URL, only, type TestAccount } from './notifications-kit.js';

describe('notifications: custom offers, reviews and messages to offline users', () => {
  let kit: NotificationsKit;
  let buyer: TestAccount;
  let seller: TestAccount;
  const conversationId = randomUUID();

  beforeAll(async () => {
    kit = await NotificationsKit.start();
    buyer = await kit.register();
    seller = await kit.register({ fullName: 'Grace Hopper' });
  });

  afterAll(async () => {
    await kit?.stop();
  });

  function message(body: string, hasOffer = false) {
    return kit.envelope('chat', 'chat.message.sent', {
      messageId: randomUUID(),
      conversationId,
      senderId: seller.id,
      recipientId: buyer.id,
      participantIds: [buyer.id, seller.id],
      body,
      attachmentUrl: null,
      hasOffer,
      sentAt: new Date().toISOString(),
    });
  }

  function presence(online: boolean) {
    const at = new Date().toISOString();
    return kit.envelope('chat', 'chat.presence.changed', {
      userId: buyer.id,
      online,
      lastSeenAt: online ? null : at,
      changedAt: at,
    });
  }

  it('mails a custom offer to the buyer with its price, delivery and link', async () => {
    const offerId = randomUUID();
    const offer = kit.envelope('chat', 'chat.offer.sent', {
      offerId,
      conversationId,
      gigId: randomUUID(),
      sellerId: seller.id,
      buyerId: buyer.id,
      participantIds: [buyer.id, seller.id],
      priceCents: 12_000,
      deliveryDays: 5,
      description: 'Logo and business card.',
      expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      sentAt: new Date().toISOString(),
    });
    // The offer's own message is not a second mail.
    await kit.publish(message('Logo and business card.', true), offer, offer);
    const filter = (mail: ReceivedMail) => mail.subject === 'Grace Hopper sent you a custom offer';
    const mail = only(await kit.mail.waitFor(buyer.email, { filter }));
    for (const part of [mail.html, mail.text]) {
      for (const essential of [buyer.username, '$120.00', '5 days', 'Logo and business card.']) {
        expect(part).toContain(essential);
      }
      expect(part).toContain(`${PUBLIC_URL}/messages/${conversationId}`);
    }
    await kit.settled();
    expect(kit.mail.to(buyer.email)).toHaveLength(1);
  });

  it('mails a new review to the reviewee', async () => {
    const orderId = randomUUID();
    await kit.publish(
      kit.envelope('reviews', 'reviews.review.created', {
        reviewId: randomUUID(),
        orderId,
        gigId: randomUUID(),
        sellerId: seller.id,
        buyerId: buyer.id,
        kind: 'BUYER_TO_SELLER',
        reviewerId: buyer.id,
        revieweeId: seller.id,
        rating: 4,
        comment: 'Quick and friendly.',
        createdAt: new Date().toISOString(),
      }),
    );
    const mail = only(await kit.mail.waitFor(seller.email));
    expect(mail.subject).toBe(`${buyer.username} reviewed you: 4 of 5`);
    expect(mail.text).toContain('Hi Grace Hopper,');
    expect(mail.text).toContain('Quick and friendly.');
    expect(mail.html).toContain(`${PUBLIC_URL}/orders/${orderId}#review`);
  });

  it('mails a message only while its recipient is offline (as chat’s presence last said)', async () => {
    const inbox = () =>
      kit.mail.to(buyer.email).filter((mail) => mail.subject.startsWith('New message'));
    await kit.publish(message('Are you there?'));
    const [offline] = await kit.mail.waitFor(buyer.email, {
      filter: (mail) => mail.subject === 'New message from Grace Hopper',
    });
    expect(offline?.text).toContain('Are you there?');

    const online = presence(true);
    await kit.publish(online);
    await kit.handled(online);
    const meanwhile = message('Saw you come online.');
    await kit.publish(meanwhile);
    await kit.handled(meanwhile);
    await kit.settled();
    expect(inbox()).toHaveLength(1);

    const away = presence(false);
    await kit.publish(away);
    await kit.handled(away);
    await kit.publish(message('Gone again?'));
    await kit.mail.waitFor(buyer.email, {
      count: 2,
      filter: (mail) => mail.subject === 'New message from Grace Hopper',
    });
    expect(inbox().map((mail) => mail.text.includes('Gone again?'))).toEqual([false, true]);
  });
});
