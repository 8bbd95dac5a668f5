/** What the review rules and resolvers work with: plain records, no Prisma or GraphQL types. */

export type ReviewKind = 'BUYER_TO_SELLER' | 'SELLER_TO_BUYER';

export interface ReviewRecord {
  id: string;
  orderId: string;
  gigId: string;
  reviewerId: string;
  revieweeId: string;
  kind: ReviewKind;
  rating: number;
  comment: string;
  replyBody: string | null;
  repliedAt: Date | null;
  createdAt: Date;
}

/** An order orders announced COMPLETED (`orders.order.completed`). */
export interface CompletedOrderRecord {
  orderId: string;
  gigId: string;
  buyerId: string;
  sellerId: string;
  completedAt: Date;
}

/** A user reference the gateway resolves at auth. */
export interface UserReference {
  id: string;
}

/** A gig reference the gateway resolves at gigs. */
export interface GigReference {
  id: string;
}

/** An order reference (orders' Order). */
export interface OrderReference {
  id: string;
}

/** Who reviews whom on a completed order: the viewer's side, or null when not a party to it. */
export function sideOf(
  order: CompletedOrderRecord,
  viewerId: string,
): { kind: ReviewKind; revieweeId: string } | null {
  if (order.buyerId === viewerId) return { kind: 'BUYER_TO_SELLER', revieweeId: order.sellerId };
  if (order.sellerId === viewerId) return { kind: 'SELLER_TO_BUYER', revieweeId: order.buyerId };
  return null;
}
