import { z } from 'zod';

/** Shared field shapes, so every contract spells ids, times and countries the same way. */
const id = z.uuid();
const isoTime = z.iso.datetime({ offset: true });
const email = z.email();
const username = z.string().min(1);
/** ISO 3166-1 alpha-2, upper case (e.g. "DE"). */
const country = z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code');

const sellerProfile = z.object({
  userId: id,
  username,
  fullName: z.string(),
  oneliner: z.string(),
  skills: z.array(z.string()),
  languages: z.array(z.object({ language: z.string().min(1), level: z.string().min(1) })),
  country,
});

/**
 * A gig as gigs publishes it: everything a consumer keeps of it (search documents, a seller's
 * gig count, the seller of an offer's gig). `active` false means hidden from buyers.
 */
const gigSnapshot = z.object({
  gigId: id,
  sellerId: id,
  title: z.string().min(1),
  category: z.string().min(1),
  subCategory: z.string().min(1),
  tags: z.array(z.string()),
  priceCents: z.number().int().positive(),
  /** ISO 4217, upper case (e.g. "USD"). */
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code'),
  deliveryDays: z.number().int().positive(),
  coverImageUrl: z.string().nullable(),
  active: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
});

/** An order's states, as its events carry them (the orders subgraph's transition table uses these). */
export const orderStatuses = [
  'PENDING_PAYMENT',
  'PLACED',
  'IN_PROGRESS',
  'DELIVERED',
  'COMPLETED',
  'CANCELLED',
] as const;

/**
 * An order as orders publishes it with every lifecycle event: what users counts (purchases,
 * seller stats, earnings), reviews keeps (who may review what) and notifications mails. Money in
 * integer cents of `currency`; `sellerEarningsCents` is what the seller is paid on completion.
 */
const orderSnapshot = z.object({
  orderId: id,
  /** Short human number shown in emails and receipts (e.g. "JB-7K3Q9X"). */
  orderNumber: z.string().min(1),
  gigId: id,
  gigTitle: z.string().min(1),
  buyerId: id,
  sellerId: id,
  /** Chat offer the order came from, or null for an order of the gig's listed price. */
  offerId: id.nullable(),
  priceCents: z.number().int().positive(),
  serviceFeeCents: z.number().int().nonnegative(),
  totalCents: z.number().int().positive(),
  sellerEarningsCents: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code'),
  status: z.enum(orderStatuses),
  dueAt: isoTime.nullable(),
  placedAt: isoTime,
  /** Who made this move: a user id, or null when the schedule did (auto-completion, expiry). */
  actorId: id.nullable(),
  occurredAt: isoTime,
});

const orderExtension = z.object({
  extensionId: id,
  orderId: id,
  orderNumber: z.string().min(1),
  gigTitle: z.string().min(1),
  buyerId: id,
  sellerId: id,
  currentDueAt: isoTime,
  requestedDueAt: isoTime,
  reason: z.string().min(1),
});

/**
 * Every event the system publishes: event type (= routing key) → zod schema of its `data`.
 * Adding an event is one entry here; names are `<producer>.<entity>.<past tense>`.
 */
export const eventContracts = {
  'auth.user.registered': z.object({
    userId: id,
    email,
    username,
    country,
    profilePictureUrl: z.string().nullable(),
    registeredAt: isoTime,
  }),
  /**
   * A sign-up for an address without an account: email it the link that completes the sign-up
   * (`completeSignUp` with `token`). Carries the token in plaintext (auth prunes the row soon).
   */
  'auth.sign_up.confirmation_requested': z.object({
    signUpId: id,
    email,
    username,
    token: z.string().min(1),
    expiresAt: isoTime,
  }),
  /**
   * A sign-up for an address that already has an account: nothing was made; tell the owner
   * someone tried ("sign in or reset your password").
   */
  'auth.sign_up.existing_email': z.object({
    userId: id,
    email,
    username,
    attemptedAt: isoTime,
  }),
  'auth.password.reset_requested': z.object({
    userId: id,
    email,
    username,
    token: z.string().min(1),
    expiresAt: isoTime,
  }),
  'auth.password.changed': z.object({ userId: id, email, username, changedAt: isoTime }),
  'auth.sign_in.code_requested': z.object({
    userId: id,
    email,
    username,
    code: z.string().min(1),
    expiresAt: isoTime,
  }),
  /** An account's limit was hit (e.g. too many wrong sign-in codes): mail the owner. */
  'auth.sign_in.locked': z.object({
    userId: id,
    email,
    username,
    reason: z.enum(['CODE_ATTEMPTS']),
    lockedUntil: isoTime,
  }),
  /**
   * Sessions ended early (sign-out, sign-out everywhere, password reset or change, refresh-token
   * reuse): their access tokens (claim `sid`) must stop working before they expire.
   */
  'auth.sessions.revoked': z.object({
    userId: id,
    sessionIds: z.array(id).min(1),
    reason: z.string().min(1),
    revokedAt: isoTime,
  }),
  'users.seller.created': sellerProfile,
  'users.seller.updated': sellerProfile,
  /** A new gig (active from the start). */
  'gigs.gig.published': gigSnapshot,
  /** Any change to a gig, its active flag included: the whole gig as it is now. */
  'gigs.gig.updated': gigSnapshot,
  'gigs.gig.deleted': z.object({ gigId: id, sellerId: id, deletedAt: isoTime }),
  /**
   * A review of a completed order, by its buyer of the seller (BUYER_TO_SELLER: gigs and users
   * keep rating aggregates from these) or by its seller of the buyer (SELLER_TO_BUYER).
   */
  'reviews.review.created': z.object({
    reviewId: id,
    orderId: id,
    gigId: id,
    sellerId: id,
    buyerId: id,
    kind: z.enum(['BUYER_TO_SELLER', 'SELLER_TO_BUYER']),
    reviewerId: id,
    revieweeId: id,
    rating: z.number().int().min(1).max(5),
    comment: z.string(),
    createdAt: isoTime,
  }),
  /** The reviewee answered a review (once). */
  'reviews.review.replied': z.object({
    reviewId: id,
    orderId: id,
    gigId: id,
    reviewerId: id,
    revieweeId: id,
    body: z.string().min(1),
    repliedAt: isoTime,
  }),
  /** Payment confirmed: the seller can start. (PENDING_PAYMENT orders publish nothing.) */
  'orders.order.placed': orderSnapshot,
  /** The seller started work, or resumed it after a revision request. */
  'orders.order.started': orderSnapshot.extend({ revision: z.boolean() }),
  'orders.order.delivered': orderSnapshot.extend({
    deliveryId: id,
    message: z.string(),
    attachmentUrl: z.string().nullable(),
    deliveredAt: isoTime,
  }),
  /** Accepted by the buyer, or automatically 3 days after the last delivery (`actorId` null). */
  'orders.order.completed': orderSnapshot.extend({ completedAt: isoTime }),
  /** Cancelled with a refund of `refundCents` to the buyer (0 if nothing had been paid). */
  'orders.order.cancelled': orderSnapshot.extend({
    reason: z.string(),
    refundCents: z.number().int().nonnegative(),
    cancelledAt: isoTime,
  }),
  /** The seller asked the buyer for a later due date. */
  'orders.extension.requested': orderExtension.extend({ requestedAt: isoTime }),
  /** The buyer approved (the due date moved to `requestedDueAt`) or declined an extension. */
  'orders.extension.decided': orderExtension.extend({
    approved: z.boolean(),
    decidedAt: isoTime,
  }),
  /**
   * A message in a conversation (an offer's message too). `participantIds` are the conversation's
   * two users: chat processes deliver it live to those of their subscribers (broadcast).
   */
  'chat.message.sent': z.object({
    messageId: id,
    conversationId: id,
    senderId: id,
    recipientId: id,
    participantIds: z.array(id).length(2),
    body: z.string().min(1).max(5000),
    attachmentUrl: z.string().nullable(),
    hasOffer: z.boolean(),
    sentAt: isoTime,
  }),
  /** A custom offer from the gig's seller to the other participant (the message is `offerId`). */
  'chat.offer.sent': z.object({
    offerId: id,
    conversationId: id,
    gigId: id,
    sellerId: id,
    buyerId: id,
    participantIds: z.array(id).length(2),
    priceCents: z.number().int().positive(),
    deliveryDays: z.number().int().positive(),
    description: z.string().min(1),
    expiresAt: isoTime,
    sentAt: isoTime,
  }),
  /** An offer left OPEN: declined by the buyer, cancelled by the seller, expired (7 days) or accepted. */
  'chat.offer.updated': z.object({
    offerId: id,
    conversationId: id,
    gigId: id,
    sellerId: id,
    buyerId: id,
    participantIds: z.array(id).length(2),
    state: z.enum(['ACCEPTED', 'DECLINED', 'CANCELLED', 'EXPIRED']),
    updatedAt: isoTime,
  }),
  /** A participant read the conversation's messages up to `readAt`. */
  'chat.conversation.read': z.object({
    conversationId: id,
    readerId: id,
    participantIds: z.array(id).length(2),
    readAt: isoTime,
  }),
  /** A participant is typing (live only: clients show it for a few seconds). */
  'chat.typing.started': z.object({
    conversationId: id,
    userId: id,
    participantIds: z.array(id).length(2),
    startedAt: isoTime,
  }),
  /** A user came online (their first open subscription) or went offline (their last one ended). */
  'chat.presence.changed': z.object({
    userId: id,
    online: z.boolean(),
    lastSeenAt: isoTime.nullable(),
    changedAt: isoTime,
  }),
  /**
   * An in-app notification was stored for `userId`: every notifications process hands it to its
   * `notificationAdded` subscribers of that user (broadcast).
   */
  'notifications.notification.created': z.object({
    notificationId: id,
    userId: id,
    kind: z.string().min(1),
    title: z.string().min(1),
    body: z.string(),
    link: z.string().nullable(),
    createdAt: isoTime,
  }),
} satisfies Record<string, z.ZodType>;

export type EventContracts = typeof eventContracts;
export type EventType = keyof EventContracts;
export type EventData<T extends EventType> = z.infer<EventContracts[T]>;

export const eventTypes = Object.keys(eventContracts) as EventType[];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.hasOwn(eventContracts, value);
}

/**
 * What each event is about: the aggregate `type` (one producer owns it and numbers its
 * versions) and the `data` field holding the aggregate's id (a uuid). Every event type needs
 * an entry; `enqueueEvent` reads it to stamp `aggregateType`, `aggregateId` and `version`.
 * Aggregates of different producers get different types (`user` is auth's account, `seller`
 * users' profile), because each producer's database counts its own versions.
 */
export interface AggregateOf<T extends EventType> {
  type: string;
  idField: {
    [K in keyof EventData<T>]: EventData<T>[K] extends string ? K : never;
  }[keyof EventData<T>];
}

export const eventAggregates: { readonly [T in EventType]: AggregateOf<T> } = {
  'auth.user.registered': { type: 'user', idField: 'userId' },
  'auth.sign_up.confirmation_requested': { type: 'sign_up', idField: 'signUpId' },
  'auth.sign_up.existing_email': { type: 'user', idField: 'userId' },
  'auth.password.reset_requested': { type: 'user', idField: 'userId' },
  'auth.password.changed': { type: 'user', idField: 'userId' },
  'auth.sign_in.code_requested': { type: 'user', idField: 'userId' },
  'auth.sign_in.locked': { type: 'user', idField: 'userId' },
  'auth.sessions.revoked': { type: 'user', idField: 'userId' },
  'users.seller.created': { type: 'seller', idField: 'userId' },
  'users.seller.updated': { type: 'seller', idField: 'userId' },
  'gigs.gig.published': { type: 'gig', idField: 'gigId' },
  'gigs.gig.updated': { type: 'gig', idField: 'gigId' },
  'gigs.gig.deleted': { type: 'gig', idField: 'gigId' },
  'reviews.review.created': { type: 'review', idField: 'reviewId' },
  'reviews.review.replied': { type: 'review', idField: 'reviewId' },
  'orders.order.placed': { type: 'order', idField: 'orderId' },
  'orders.order.started': { type: 'order', idField: 'orderId' },
  'orders.order.delivered': { type: 'order', idField: 'orderId' },
  'orders.order.completed': { type: 'order', idField: 'orderId' },
  'orders.order.cancelled': { type: 'order', idField: 'orderId' },
  // Same aggregate as the order, so an extension's events are numbered with the order's.
  'orders.extension.requested': { type: 'order', idField: 'orderId' },
  'orders.extension.decided': { type: 'order', idField: 'orderId' },
  'chat.message.sent': { type: 'message', idField: 'messageId' },
  'chat.offer.sent': { type: 'offer', idField: 'offerId' },
  'chat.offer.updated': { type: 'offer', idField: 'offerId' },
  'chat.conversation.read': { type: 'conversation_read', idField: 'conversationId' },
  // Its own aggregate type, so typing never waits on a conversation's other version locks.
  'chat.typing.started': { type: 'typing', idField: 'conversationId' },
  'chat.presence.changed': { type: 'presence', idField: 'userId' },
  'notifications.notification.created': { type: 'notification', idField: 'notificationId' },
};

/** The aggregate an event is about: its type and id, read from `data` as its contract says. */
export function aggregateOf<T extends EventType>(
  type: T,
  data: EventData<T>,
): { type: string; id: string } {
  const aggregate = eventAggregates[type];
  return { type: aggregate.type, id: String(data[aggregate.idField]) };
}
