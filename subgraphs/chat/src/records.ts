/** What the chat rules and resolvers work with: plain records, no Prisma or GraphQL types. */

export type OfferState = 'OPEN' | 'ACCEPTED' | 'DECLINED' | 'CANCELLED' | 'EXPIRED';

/** An offer left OPEN is answered for good: this is the state it went to. */
export type ClosedOfferState = Exclude<OfferState, 'OPEN'>;

export interface ConversationRecord {
  id: string;
  /** The two participants in id order. */
  userLow: string;
  userHigh: string;
  gigId: string | null;
  lastMessageId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface OfferRecord {
  /** The id of the message carrying it. */
  id: string;
  conversationId: string;
  gigId: string;
  sellerId: string;
  buyerId: string;
  priceCents: number;
  deliveryDays: number;
  description: string;
  /** As stored: an OPEN offer past `expiresAt` is EXPIRED on read (offers.ts). */
  state: OfferState;
  expiresAt: Date;
  updatedAt: Date;
}

export interface MessageRecord {
  id: string;
  conversationId: string;
  senderId: string;
  recipientId: string;
  body: string;
  attachmentUrl: string | null;
  readAt: Date | null;
  createdAt: Date;
  offer: OfferRecord | null;
}

export interface GigRecord {
  id: string;
  sellerId: string;
  title: string;
  active: boolean;
  deletedAt: Date | null;
}

export interface PresenceRecord {
  userId: string;
  online: boolean;
  lastSeenAt: Date | null;
}

/** A user reference the gateway resolves at auth. */
export interface UserReference {
  id: string;
}

/** A gig reference the gateway resolves at gigs. */
export interface GigReference {
  id: string;
}

export function participantsOf(conversation: ConversationRecord): [string, string] {
  return [conversation.userLow, conversation.userHigh];
}

export function isParticipant(conversation: ConversationRecord, userId: string): boolean {
  return conversation.userLow === userId || conversation.userHigh === userId;
}

export function otherParticipant(conversation: ConversationRecord, userId: string): string {
  return conversation.userLow === userId ? conversation.userHigh : conversation.userLow;
}
