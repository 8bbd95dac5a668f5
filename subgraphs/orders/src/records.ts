/** What the orders rules and resolvers work with: plain records, no Prisma or GraphQL types. */
import type { OrderStatus } from './lifecycle.js';

export type { OrderStatus } from './lifecycle.js';
export type OrderRole = 'BUYER' | 'SELLER';
export type PaymentStatus =
  'REQUIRES_PAYMENT' | 'REQUIRES_ACTION' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'REFUNDED';
export type ProviderName = 'SANDBOX' | 'STRIPE';
export type RequestState = 'PENDING' | 'APPROVED' | 'DECLINED';
export type CancellationState = 'PENDING' | 'ACCEPTED' | 'DECLINED';
export type TimelineWhat =
  | 'CREATED'
  | 'PAYMENT_FAILED'
  | 'PAYMENT_REQUIRES_ACTION'
  | 'PAID'
  | 'PAYMENT_EXPIRED'
  | 'STARTED'
  | 'DELIVERED'
  | 'REVISION_REQUESTED'
  | 'EXTENSION_REQUESTED'
  | 'EXTENSION_APPROVED'
  | 'EXTENSION_DECLINED'
  | 'CANCELLATION_REQUESTED'
  | 'CANCELLATION_DECLINED'
  | 'CANCELLED'
  | 'REFUNDED'
  | 'LATE'
  | 'COMPLETED'
  | 'AUTO_COMPLETED';

export interface OrderRecord {
  id: string;
  number: string;
  gigId: string;
  gigTitle: string;
  buyerId: string;
  sellerId: string;
  offerId: string | null;
  priceCents: number;
  serviceFeeCents: number;
  totalCents: number;
  sellerEarningsCents: number;
  currency: string;
  deliveryDays: number;
  requirements: string;
  status: OrderStatus;
  dueAt: Date | null;
  placedAt: Date | null;
  completedAt: Date | null;
  cancelledAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface DeliveryRecord {
  id: string;
  orderId: string;
  message: string;
  attachmentUrl: string | null;
  deliveredAt: Date;
}

export interface RevisionRecord {
  id: string;
  orderId: string;
  reason: string;
  requestedAt: Date;
}

export interface ExtensionRecord {
  id: string;
  orderId: string;
  currentDueAt: Date;
  requestedDueAt: Date;
  reason: string;
  state: RequestState;
  requestedAt: Date;
  decidedAt: Date | null;
}

export interface CancellationRecord {
  id: string;
  orderId: string;
  reason: string;
  state: CancellationState;
  requestedAt: Date;
  decidedAt: Date | null;
}

export interface TimelineRecord {
  id: string;
  orderId: string;
  what: TimelineWhat;
  actorId: string | null;
  detail: string | null;
  at: Date;
}

export interface PaymentRecord {
  id: string;
  orderId: string;
  provider: ProviderName;
  intentId: string;
  clientSecret: string;
  status: PaymentStatus;
  amountCents: number;
  currency: string;
  idempotencyKey: string;
  refundId: string | null;
  refundedCents: number;
  confirmedAt: Date | null;
}

export interface GigRecord {
  id: string;
  sellerId: string;
  title: string;
  priceCents: number;
  currency: string;
  deliveryDays: number;
  active: boolean;
  deletedAt: Date | null;
}

export interface OfferRecord {
  id: string;
  gigId: string;
  sellerId: string;
  buyerId: string;
  priceCents: number;
  deliveryDays: number;
  description: string;
  state: string;
  expiresAt: Date;
}

/** `placeOrder` / `acceptOffer`: the order and the payment's client secret. */
export interface OrderPaymentRecord {
  order: OrderRecord;
  clientSecret: string;
}

/** A user reference the gateway resolves at auth. */
export interface UserReference {
  id: string;
}

/** A gig reference the gateway resolves at gigs. */
export interface GigReference {
  id: string;
}

/** The viewer's side of an order, or null when they are neither buyer nor seller. */
export function sideOf(order: OrderRecord, userId: string): OrderRole | null {
  if (order.buyerId === userId) return 'BUYER';
  if (order.sellerId === userId) return 'SELLER';
  return null;
}
