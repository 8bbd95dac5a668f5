import type { EventData, EventEnvelope, EventType } from '@jobber/events';
import type { NotificationKind } from './kinds.js';

/**
 * The rules: which notices each event gives, to whom, with which facts. Pure: no database, no
 * GraphQL; `Deliveries` (deliveries.ts) applies preferences, renders and stores them.
 */

/** Who a notice is for: an account (its address kept from auth), or an address given by the event. */
export interface NoticeRecipient {
  userId: string | null;
  /** When the event names the address (auth's account emails): used as it is. */
  email?: string;
  /** The name to greet when the account is not known here (a sign-up). */
  name?: string;
}

export interface Notice {
  kind: NotificationKind;
  to: NoticeRecipient;
  /** The template's own facts (strings, formatted here). */
  data: Record<string, string | number | boolean | null>;
  /** Path under PUBLIC_URL (the email's button and the in-app link), e.g. `/orders/<id>`. */
  path: string | null;
  /** The in-app notification, or null for email only (the account emails). */
  inApp: { title: string; body: string } | null;
  /** The other party whose display name the notice shows (`counterpart`), if any. */
  counterpartId?: string;
}

export function formatMoney(cents: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);
}

/** `3 Dec 2026, 14:05 UTC`: one unambiguous form for every email. */
export function formatTime(iso: string | null): string {
  if (!iso) return 'not set';
  const date = new Date(iso);
  const day = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(date);
  const time = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: 'UTC',
  }).format(date);
  return `${day}, ${time} UTC`;
}

function excerpt(body: string, max = 280): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

type AccountEvent =
  | 'auth.sign_up.confirmation_requested'
  | 'auth.sign_up.existing_email'
  | 'auth.sign_in.code_requested'
  | 'auth.sign_in.locked'
  | 'auth.password.reset_requested'
  | 'auth.password.changed';

/** auth's account emails: to the address the event names, always (no preference applies). */
export function accountNotice(event: EventEnvelope<AccountEvent>): Notice {
  const email = (
    to: NoticeRecipient,
    kind: NotificationKind,
    data: Notice['data'],
    path: string | null,
  ) => ({ kind, to, data, path, inApp: null }) satisfies Notice;
  switch (event.type) {
    case 'auth.sign_up.confirmation_requested': {
      const { data } = event as EventEnvelope<'auth.sign_up.confirmation_requested'>;
      return email(
        { userId: null, email: data.email, name: data.username },
        'EMAIL_VERIFICATION',
        { expiresAt: formatTime(data.expiresAt) },
        `/sign-up/complete?token=${encodeURIComponent(data.token)}`,
      );
    }
    case 'auth.sign_up.existing_email': {
      const { data } = event as EventEnvelope<'auth.sign_up.existing_email'>;
      return email(
        { userId: data.userId, email: data.email, name: data.username },
        'SIGN_UP_EXISTING_EMAIL',
        {},
        '/sign-in',
      );
    }
    case 'auth.sign_in.code_requested': {
      const { data } = event as EventEnvelope<'auth.sign_in.code_requested'>;
      return email(
        { userId: data.userId, email: data.email, name: data.username },
        'SIGN_IN_CODE',
        { signInCode: data.code, expiresAt: formatTime(data.expiresAt) },
        null,
      );
    }
    case 'auth.sign_in.locked': {
      const { data } = event as EventEnvelope<'auth.sign_in.locked'>;
      return email(
        { userId: data.userId, email: data.email, name: data.username },
        'SIGN_IN_LOCKED',
        { lockedUntil: formatTime(data.lockedUntil) },
        '/reset-password',
      );
    }
    case 'auth.password.reset_requested': {
      const { data } = event as EventEnvelope<'auth.password.reset_requested'>;
      return email(
        { userId: data.userId, email: data.email, name: data.username },
        'PASSWORD_RESET',
        { expiresAt: formatTime(data.expiresAt) },
        `/reset-password?token=${encodeURIComponent(data.token)}`,
      );
    }
    case 'auth.password.changed': {
      const { data } = event as EventEnvelope<'auth.password.changed'>;
      return email(
        { userId: data.userId, email: data.email, name: data.username },
        'PASSWORD_CHANGED',
        { changedAt: formatTime(data.changedAt) },
        '/reset-password',
      );
    }
  }
}

type OrderSnapshot = EventData<'orders.order.placed'>;

function orderFacts(order: OrderSnapshot, seller: boolean): Notice['data'] {
  return {
    orderNumber: order.orderNumber,
    gigTitle: order.gigTitle,
    price: formatMoney(order.priceCents, order.currency),
    serviceFee: formatMoney(order.serviceFeeCents, order.currency),
    total: formatMoney(order.totalCents, order.currency),
    earnings: formatMoney(order.sellerEarningsCents, order.currency),
    dueAt: formatTime(order.dueAt),
    seller,
  };
}

/** One order notice to the buyer or the seller (the other is the counterpart). */
function orderNotice(
  order: OrderSnapshot,
  side: 'buyer' | 'seller',
  kind: NotificationKind,
  inApp: { title: string; body: string },
  extra: Notice['data'] = {},
): Notice {
  const seller = side === 'seller';
  return {
    kind,
    to: { userId: seller ? order.sellerId : order.buyerId },
    counterpartId: seller ? order.buyerId : order.sellerId,
    data: { ...orderFacts(order, seller), ...extra },
    path: `/orders/${order.orderId}`,
    inApp,
  };
}

type OrderEvent =
  | 'orders.order.placed'
  | 'orders.order.started'
  | 'orders.order.delivered'
  | 'orders.order.completed'
  | 'orders.order.cancelled'
  | 'orders.extension.requested'
  | 'orders.extension.decided';

/** An order's lifecycle: who hears of each step. */
export function orderNotices(event: EventEnvelope<OrderEvent>): Notice[] {
  switch (event.type) {
    case 'orders.order.placed': {
      const order = (event as EventEnvelope<'orders.order.placed'>).data;
      const total = formatMoney(order.totalCents, order.currency);
      return [
        orderNotice(order, 'buyer', 'ORDER_PLACED', {
          title: `Order ${order.orderNumber} placed`,
          body: `You paid ${total} for “${order.gigTitle}”.`,
        }),
        orderNotice(order, 'seller', 'ORDER_RECEIVED', {
          title: `New order ${order.orderNumber}`,
          body: `“${order.gigTitle}” for ${formatMoney(order.priceCents, order.currency)}.`,
        }),
      ];
    }
    case 'orders.order.started': {
      const order = (event as EventEnvelope<'orders.order.started'>).data;
      return [
        orderNotice(
          order,
          'buyer',
          'ORDER_STARTED',
          {
            title: `Work started on ${order.orderNumber}`,
            body: `“${order.gigTitle}” is due ${formatTime(order.dueAt)}.`,
          },
          { revision: order.revision },
        ),
      ];
    }
    case 'orders.order.delivered': {
      const order = (event as EventEnvelope<'orders.order.delivered'>).data;
      return [
        orderNotice(
          order,
          'buyer',
          'ORDER_DELIVERED',
          { title: `${order.orderNumber} delivered`, body: `“${order.gigTitle}” was delivered.` },
          { message: order.message || '(no message)' },
        ),
      ];
    }
    case 'orders.order.completed': {
      const order = (event as EventEnvelope<'orders.order.completed'>).data;
      const note = {
        title: `${order.orderNumber} completed`,
        body: `“${order.gigTitle}” is complete.`,
      };
      return [
        orderNotice(order, 'buyer', 'ORDER_COMPLETED', note),
        orderNotice(order, 'seller', 'ORDER_COMPLETED', note),
      ];
    }
    case 'orders.order.cancelled': {
      const order = (event as EventEnvelope<'orders.order.cancelled'>).data;
      const extra = {
        reason: order.reason,
        refund: formatMoney(order.refundCents, order.currency),
      };
      const note = {
        title: `${order.orderNumber} cancelled`,
        body: `“${order.gigTitle}” was cancelled.`,
      };
      return [
        orderNotice(order, 'buyer', 'ORDER_CANCELLED', note, extra),
        orderNotice(order, 'seller', 'ORDER_CANCELLED', note, extra),
      ];
    }
    case 'orders.extension.requested': {
      const ext = (event as EventEnvelope<'orders.extension.requested'>).data;
      return [
        {
          kind: 'EXTENSION_REQUESTED',
          to: { userId: ext.buyerId },
          counterpartId: ext.sellerId,
          data: {
            orderNumber: ext.orderNumber,
            gigTitle: ext.gigTitle,
            currentDueAt: formatTime(ext.currentDueAt),
            requestedDueAt: formatTime(ext.requestedDueAt),
            reason: ext.reason,
          },
          path: `/orders/${ext.orderId}`,
          inApp: {
            title: `More time asked on ${ext.orderNumber}`,
            body: `New due date ${formatTime(ext.requestedDueAt)}?`,
          },
        },
      ];
    }
    case 'orders.extension.decided': {
      const ext = (event as EventEnvelope<'orders.extension.decided'>).data;
      const decision = ext.approved ? 'approved' : 'declined';
      return [
        {
          kind: 'EXTENSION_DECIDED',
          to: { userId: ext.sellerId },
          counterpartId: ext.buyerId,
          data: {
            orderNumber: ext.orderNumber,
            gigTitle: ext.gigTitle,
            currentDueAt: formatTime(ext.currentDueAt),
            requestedDueAt: formatTime(ext.requestedDueAt),
            approved: ext.approved,
            decision,
          },
          path: `/orders/${ext.orderId}`,
          inApp: {
            title: `Extension ${decision} on ${ext.orderNumber}`,
            body: ext.approved
              ? `Now due ${formatTime(ext.requestedDueAt)}.`
              : `Still due ${formatTime(ext.currentDueAt)}.`,
          },
        },
      ];
    }
  }
}

export function offerNotice(event: EventEnvelope<'chat.offer.sent'>): Notice {
  const offer = event.data;
  const price = formatMoney(offer.priceCents, 'USD');
  const days = `${offer.deliveryDays} day${offer.deliveryDays === 1 ? '' : 's'}`;
  return {
    kind: 'OFFER_RECEIVED',
    to: { userId: offer.buyerId },
    counterpartId: offer.sellerId,
    data: {
      description: excerpt(offer.description, 1000),
      price,
      delivery: days,
      expiresAt: formatTime(offer.expiresAt),
    },
    path: `/messages/${offer.conversationId}`,
    inApp: { title: 'New custom offer', body: `${price}, delivered in ${days}.` },
  };
}

export function reviewNotice(event: EventEnvelope<'reviews.review.created'>): Notice {
  const review = event.data;
  return {
    kind: 'REVIEW_RECEIVED',
    to: { userId: review.revieweeId },
    counterpartId: review.reviewerId,
    data: { rating: review.rating, comment: review.comment || '(no comment)' },
    path: `/orders/${review.orderId}#review`,
    inApp: { title: `New review: ${review.rating} of 5`, body: excerpt(review.comment, 140) },
  };
}

/** A message (not an offer's: that is OFFER_RECEIVED) to a recipient who is offline. */
export function messageNotice(event: EventEnvelope<'chat.message.sent'>): Notice {
  const message = event.data;
  return {
    kind: 'MESSAGE_RECEIVED',
    to: { userId: message.recipientId },
    counterpartId: message.senderId,
    data: { excerpt: excerpt(message.body) },
    path: `/messages/${message.conversationId}`,
    inApp: { title: 'New message', body: excerpt(message.body, 140) },
  };
}

export type { EventType };
