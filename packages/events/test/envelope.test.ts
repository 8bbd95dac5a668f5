import { describe, expect, it } from 'vitest';
import {
  createEnvelope,
  EnvelopeError,
  eventContracts,
  eventTypes,
  parseEnvelope,
  type EventData,
  type EventEnvelope,
  type EventType,
} from '../src/index.js';

const userId = '3f1c9a52-7d0e-4b8a-9f4e-2a6b1c3d5e7f';
const at = '2026-11-25T10:00:00.000Z';
const seller: EventData<'users.seller.created'> = {
  userId,
  username: 'ada',
  fullName: 'Ada Lovelace',
  oneliner: 'Analytical engines',
  skills: ['math'],
  languages: [{ language: 'English', level: 'native' }],
  country: 'GB',
};
const gig: EventData<'gigs.gig.published'> = {
  gigId: userId,
  sellerId: userId,
  title: 'I will design your logo',
  category: 'graphics-design',
  subCategory: 'logo-design',
  tags: ['logo', 'branding'],
  priceCents: 5000,
  currency: 'USD',
  deliveryDays: 3,
  coverImageUrl: null,
  active: true,
  createdAt: at,
  updatedAt: at,
};
const order: EventData<'orders.order.placed'> = {
  orderId: userId,
  orderNumber: 'JB-7K3Q9X',
  gigId: userId,
  gigTitle: 'I will design your logo',
  buyerId: userId,
  sellerId: userId,
  offerId: null,
  priceCents: 5000,
  serviceFeeCents: 275,
  totalCents: 5275,
  sellerEarningsCents: 4000,
  currency: 'USD',
  status: 'PLACED',
  dueAt: at,
  placedAt: at,
  actorId: userId,
  occurredAt: at,
};
const extension: EventData<'orders.extension.requested'> = {
  extensionId: userId,
  orderId: userId,
  orderNumber: 'JB-7K3Q9X',
  gigTitle: 'I will design your logo',
  buyerId: userId,
  sellerId: userId,
  currentDueAt: at,
  requestedDueAt: at,
  reason: 'The client asked for a second concept',
  requestedAt: at,
};
const samples: { [T in EventType]: EventData<T> } = {
  'auth.user.registered': {
    userId,
    email: 'ada@example.test',
    username: 'ada',
    country: 'GB',
    profilePictureUrl: null,
    registeredAt: at,
  },
  'auth.sign_up.confirmation_requested': {
    signUpId: userId,
    email: 'ada@example.test',
    username: 'ada',
    token: 'tok',
    expiresAt: at,
  },
  'auth.sign_up.existing_email': {
    userId,
    email: 'ada@example.test',
    username: 'ada',
    attemptedAt: at,
  },
  'auth.password.reset_requested': {
    userId,
    email: 'ada@example.test',
    username: 'ada',
    token: 'tok',
    expiresAt: at,
  },
  'auth.password.changed': { userId, email: 'ada@example.test', username: 'ada', changedAt: at },
  'auth.sign_in.code_requested': {
    userId,
    email: 'ada@example.test',
    username: 'ada',
    code: '123456',
    expiresAt: at,
  },
  'auth.sign_in.locked': {
    userId,
    email: 'ada@example.test',
    username: 'ada',
    reason: 'CODE_ATTEMPTS',
    lockedUntil: at,
  },
  'auth.sessions.revoked': {
    userId,
    sessionIds: [userId],
    reason: 'SIGN_OUT_EVERYWHERE',
    revokedAt: at,
  },
  'users.seller.created': seller,
  'users.seller.updated': seller,
  'gigs.gig.published': gig,
  'gigs.gig.updated': { ...gig, active: false },
  'gigs.gig.deleted': { gigId: userId, sellerId: userId, deletedAt: at },
  'reviews.review.created': {
    reviewId: userId,
    orderId: userId,
    gigId: userId,
    sellerId: userId,
    buyerId: userId,
    kind: 'BUYER_TO_SELLER',
    reviewerId: userId,
    revieweeId: userId,
    rating: 5,
    comment: 'Great work',
    createdAt: at,
  },
  'reviews.review.replied': {
    reviewId: userId,
    orderId: userId,
    gigId: userId,
    reviewerId: userId,
    revieweeId: userId,
    body: 'Thank you!',
    repliedAt: at,
  },
  'orders.order.placed': order,
  'orders.order.started': { ...order, status: 'IN_PROGRESS', revision: false },
  'orders.order.delivered': {
    ...order,
    status: 'DELIVERED',
    deliveryId: userId,
    message: 'Here are the files',
    attachmentUrl: null,
    deliveredAt: at,
  },
  'orders.order.completed': { ...order, status: 'COMPLETED', actorId: null, completedAt: at },
  'orders.order.cancelled': {
    ...order,
    status: 'CANCELLED',
    reason: 'The buyer changed their mind',
    refundCents: 5275,
    cancelledAt: at,
  },
  'orders.extension.requested': extension,
  'orders.extension.decided': { ...extension, approved: true, decidedAt: at },
  'chat.message.sent': {
    messageId: userId,
    conversationId: userId,
    senderId: userId,
    recipientId: userId,
    participantIds: [userId, userId],
    body: 'Hello',
    attachmentUrl: null,
    hasOffer: false,
    sentAt: at,
  },
  'chat.offer.sent': {
    offerId: userId,
    conversationId: userId,
    gigId: userId,
    sellerId: userId,
    buyerId: userId,
    participantIds: [userId, userId],
    priceCents: 5000,
    deliveryDays: 3,
    description: 'A logo in three days',
    expiresAt: at,
    sentAt: at,
  },
  'chat.offer.updated': {
    offerId: userId,
    conversationId: userId,
    gigId: userId,
    sellerId: userId,
    buyerId: userId,
    participantIds: [userId, userId],
    state: 'DECLINED',
    updatedAt: at,
  },
  'chat.conversation.read': {
    conversationId: userId,
    readerId: userId,
    participantIds: [userId, userId],
    readAt: at,
  },
  'chat.typing.started': {
    conversationId: userId,
    userId,
    participantIds: [userId, userId],
    startedAt: at,
  },
  'chat.presence.changed': { userId, online: false, lastSeenAt: at, changedAt: at },
  'notifications.notification.created': {
    notificationId: userId,
    userId,
    kind: 'ORDER_PLACED',
    title: 'Order placed',
    body: 'JB-1 for $50.00',
    link: null,
    createdAt: at,
  },
};

describe('event contracts and envelopes', () => {
  it('has a valid sample for every contract, and every sample survives the wire', () => {
    expect(eventTypes.sort()).toEqual(Object.keys(samples).sort());
    for (const type of eventTypes) {
      const envelope = createEnvelope('tests', type, samples[type] as never);
      const parsed = parseEnvelope(JSON.parse(JSON.stringify(envelope)));
      expect(parsed).toEqual(envelope);
    }
  });

  it('creates an envelope with a v4 id, the given time and the producer', () => {
    const now = new Date('2026-11-25T12:34:56.789Z');
    const envelope = createEnvelope(
      'auth',
      'auth.password.changed',
      samples['auth.password.changed'],
      now,
    );
    expect(envelope.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(envelope).toMatchObject({
      type: 'auth.password.changed',
      occurredAt: '2026-11-25T12:34:56.789Z',
      producer: 'auth',
      data: samples['auth.password.changed'],
    });
    expect(
      createEnvelope('auth', 'auth.password.changed', samples['auth.password.changed']).id,
    ).not.toBe(envelope.id);
  });

  it('refuses data that breaks the contract', () => {
    const bad = { ...samples['auth.user.registered'], country: 'Germany' };
    expect(() => createEnvelope('auth', 'auth.user.registered', bad)).toThrow(EnvelopeError);
    try {
      createEnvelope('auth', 'auth.user.registered', bad);
    } catch (err) {
      expect(err).toMatchObject({ reason: 'invalid_data', eventType: 'auth.user.registered' });
    }
    expect(() =>
      createEnvelope('', 'auth.user.registered', samples['auth.user.registered']),
    ).toThrow(EnvelopeError);
  });

  it('tells malformed, unknown-type and invalid-data messages apart', () => {
    const good = createEnvelope('auth', 'auth.user.registered', samples['auth.user.registered']);
    const cases: [unknown, string][] = [
      ['not an object', 'malformed'],
      [null, 'malformed'],
      [{ ...good, id: 'nope' }, 'malformed'],
      [{ ...good, occurredAt: 'yesterday' }, 'malformed'],
      [{ ...good, type: 'auth.user.vanished' }, 'unknown_type'],
      [{ ...good, type: 'toString' }, 'unknown_type'],
      [{ ...good, data: { ...good.data, userId: 'x' } }, 'invalid_data'],
      [{ ...good, data: undefined }, 'invalid_data'],
    ];
    for (const [value, reason] of cases) {
      const result = parseEnvelope(value);
      expect(result).toBeInstanceOf(EnvelopeError);
      expect((result as EnvelopeError).reason).toBe(reason);
    }
  });

  it('narrows data by type', () => {
    const parsed = parseEnvelope(
      JSON.parse(JSON.stringify(createEnvelope('users', 'users.seller.updated', seller))),
    );
    if (parsed instanceof EnvelopeError) throw parsed;
    const describe = (event: EventEnvelope): string => {
      switch (event.type) {
        case 'users.seller.updated':
          return event.data.skills.join(',');
        default:
          return event.type;
      }
    };
    expect(describe(parsed)).toBe('math');
    expect(Object.keys(eventContracts)).toContain(parsed.type);
  });
});
