import { createEnvelope, type EventEnvelope } from '@jobber/events';
import { templateName } from './kinds.js';
import {
  accountNotice,
  messageNotice,
  offerNotice,
  orderNotices,
  reviewNotice,
  type Notice,
} from './notices.js';
import type { TemplateData } from './templates.js';

/**
 * One sample event of every kind the subgraph mails, turned into its notices: what
 * `npm run mail:preview` renders and the template tests check (every template has a sample).
 */
const buyerId = '11111111-1111-4111-8111-111111111111';
const sellerId = '22222222-2222-4222-8222-222222222222';
const orderId = '33333333-3333-4333-8333-333333333333';
const gigId = '44444444-4444-4444-8444-444444444444';
const conversationId = '55555555-5555-4555-8555-555555555555';
const at = '2026-12-03T10:00:00.000Z';
const later = '2026-12-10T10:00:00.000Z';

const order = {
  orderId,
  orderNumber: 'JB-7K3Q9X',
  gigId,
  gigTitle: 'A hand-drawn logo',
  buyerId,
  sellerId,
  offerId: null,
  priceCents: 5_000,
  serviceFeeCents: 275,
  totalCents: 5_275,
  sellerEarningsCents: 4_000,
  currency: 'USD',
  status: 'PLACED' as const,
  dueAt: later,
  placedAt: at,
  actorId: buyerId,
  occurredAt: at,
};
const extension = {
  extensionId: '66666666-6666-4666-8666-666666666666',
  orderId,
  orderNumber: order.orderNumber,
  gigTitle: order.gigTitle,
  buyerId,
  sellerId,
  currentDueAt: later,
  requestedDueAt: '2026-12-12T10:00:00.000Z',
  reason: 'The client asked for two more colour variants.',
};
const account = { userId: buyerId, email: 'ada@example.com', username: 'ada' };

export function sampleEvents(): EventEnvelope[] {
  return [
    createEnvelope('auth', 'auth.sign_up.confirmation_requested', {
      signUpId: orderId,
      email: 'ada@example.com',
      username: 'ada',
      token: 'sample-token',
      expiresAt: later,
    }),
    createEnvelope('auth', 'auth.sign_up.existing_email', { ...account, attemptedAt: at }),
    createEnvelope('auth', 'auth.sign_in.code_requested', {
      ...account,
      code: '482913',
      expiresAt: later,
    }),
    createEnvelope('auth', 'auth.sign_in.locked', {
      ...account,
      reason: 'CODE_ATTEMPTS',
      lockedUntil: later,
    }),
    createEnvelope('auth', 'auth.password.reset_requested', {
      ...account,
      token: 'reset-token',
      expiresAt: later,
    }),
    createEnvelope('auth', 'auth.password.changed', { ...account, changedAt: at }),
    createEnvelope('orders', 'orders.order.placed', order),
    createEnvelope('orders', 'orders.order.started', {
      ...order,
      status: 'IN_PROGRESS',
      revision: false,
    }),
    createEnvelope('orders', 'orders.extension.requested', { ...extension, requestedAt: at }),
    createEnvelope('orders', 'orders.extension.decided', {
      ...extension,
      approved: true,
      decidedAt: at,
    }),
    createEnvelope('orders', 'orders.order.delivered', {
      ...order,
      status: 'DELIVERED',
      deliveryId: extension.extensionId,
      message: 'Here are the files: SVG, PNG and the source.',
      attachmentUrl: null,
      deliveredAt: at,
    }),
    createEnvelope('orders', 'orders.order.completed', {
      ...order,
      status: 'COMPLETED',
      completedAt: at,
    }),
    createEnvelope('orders', 'orders.order.cancelled', {
      ...order,
      status: 'CANCELLED',
      reason: 'The buyer cancelled before work started.',
      refundCents: 5_275,
      cancelledAt: at,
    }),
    createEnvelope('chat', 'chat.offer.sent', {
      offerId: extension.extensionId,
      conversationId,
      gigId,
      sellerId,
      buyerId,
      participantIds: [buyerId, sellerId],
      priceCents: 12_000,
      deliveryDays: 5,
      description: 'Logo, business card and a one-page brand guide.',
      expiresAt: later,
      sentAt: at,
    }),
    createEnvelope('reviews', 'reviews.review.created', {
      reviewId: extension.extensionId,
      orderId,
      gigId,
      sellerId,
      buyerId,
      kind: 'BUYER_TO_SELLER',
      reviewerId: buyerId,
      revieweeId: sellerId,
      rating: 5,
      comment: 'Fast, friendly and exactly what I wanted.',
      createdAt: at,
    }),
    createEnvelope('chat', 'chat.message.sent', {
      messageId: extension.extensionId,
      conversationId,
      senderId: sellerId,
      recipientId: buyerId,
      participantIds: [buyerId, sellerId],
      body: 'Hi Ada, I have a question about the colours.',
      attachmentUrl: null,
      hasOffer: false,
      sentAt: at,
    }),
  ];
}

/** The notices of an event (as the consumers make them). */
export function noticesOf(event: EventEnvelope): Notice[] {
  if (event.type.startsWith('auth.')) return [accountNotice(event as never)];
  if (event.type.startsWith('orders.')) return orderNotices(event as never);
  if (event.type === 'chat.offer.sent') return [offerNotice(event as never)];
  if (event.type === 'reviews.review.created') return [reviewNotice(event as never)];
  if (event.type === 'chat.message.sent') return [messageNotice(event as never)];
  return [];
}

/** Every sample notice as a template and its data (names as the database would give them). */
export function sampleMails(publicUrl: string): { template: string; data: TemplateData }[] {
  const names: Record<string, string> = { [buyerId]: 'Ada Lovelace', [sellerId]: 'Grace Hopper' };
  return sampleEvents().flatMap((event) =>
    noticesOf(event).map((notice) => ({
      template: templateName(notice.kind),
      data: {
        ...notice.data,
        name: (notice.to.userId && names[notice.to.userId]) || notice.to.name || 'there',
        counterpart: (notice.counterpartId && names[notice.counterpartId]) || 'someone',
        link: notice.path ? `${publicUrl}${notice.path}` : publicUrl,
        optional: !notice.kind.match(/^(EMAIL_|SIGN_|PASSWORD_)/),
      },
    })),
  );
}
