import { randomUUID } from 'node:crypto';
import { SubgraphStore, createPrismaClient, type DatabaseSettings } from '@jobber/service-kit';
import type { BackwardPageRequest, PageRequest } from '@jobber/service-kit';
import { Prisma, PrismaClient } from './generated/prisma/client.js';
import type {
  ClosedOfferState,
  ConversationRecord,
  GigRecord,
  MessageRecord,
  OfferRecord,
  OfferState,
  PresenceRecord,
} from './records.js';

/** The only module that talks to Prisma: every query of the chat subgraph lives here. */

export type ChatPrisma = PrismaClient;
export type ChatTransaction = Prisma.TransactionClient;

export function createPrisma(
  database: DatabaseSettings,
  onQuery?: (sql: string) => void,
): ChatPrisma {
  return createPrismaClient(PrismaClient, database, onQuery);
}

/** Page cursors: conversations by (updatedAt, id) newest first, messages by (createdAt, id). */
export interface ConversationCursor {
  updatedAt: Date;
  id: string;
}
export interface MessageCursor {
  createdAt: Date;
  id: string;
}

type MessageRow = Prisma.MessageGetPayload<object>;

function toMessage(row: MessageRow): MessageRecord {
  const offer: OfferRecord | null =
    row.offerState !== null &&
    row.offerGigId !== null &&
    row.offerPriceCents !== null &&
    row.offerDeliveryDays !== null &&
    row.offerExpiresAt !== null
      ? {
          id: row.id,
          conversationId: row.conversationId,
          gigId: row.offerGigId,
          sellerId: row.senderId,
          buyerId: row.recipientId,
          priceCents: row.offerPriceCents,
          deliveryDays: row.offerDeliveryDays,
          description: row.body,
          state: row.offerState as OfferState,
          expiresAt: row.offerExpiresAt,
          updatedAt: row.offerUpdatedAt ?? row.createdAt,
        }
      : null;
  return {
    id: row.id,
    conversationId: row.conversationId,
    senderId: row.senderId,
    recipientId: row.recipientId,
    body: row.body,
    attachmentUrl: row.attachmentUrl,
    readAt: row.readAt,
    createdAt: row.createdAt,
    offer,
  };
}

/** A new message, with its offer when it carries one (the offer's description is the body). */
export interface NewMessage {
  conversationId: string;
  senderId: string;
  recipientId: string;
  body: string;
  attachmentUrl: string | null;
  createdAt: Date;
  offer?: { gigId: string; priceCents: number; deliveryDays: number; expiresAt: Date };
}

/** A row of the offer sweep: enough to announce the change. */
export interface ExpiredOffer {
  id: string;
  conversationId: string;
  gigId: string;
  sellerId: string;
  buyerId: string;
}

/** `transaction()`, `within(tx)` and `enqueue()` come from the kit's SubgraphStore. */
export class ChatStore extends SubgraphStore<ChatTransaction> {
  // Accounts (auth.user.registered)

  /** False when the account was already known. */
  async addAccount(account: { id: string; username: string; registeredAt: Date }) {
    const { count } = await this.db.account.createMany({ data: [account], skipDuplicates: true });
    return count === 1;
  }

  async accountExists(id: string): Promise<boolean> {
    return (await this.db.account.count({ where: { id } })) > 0;
  }

  // Gigs (gigs.gig.*; the consumer decides with applyIfNewer first)

  async putGig(gig: Omit<GigRecord, 'deletedAt'> & { updatedAt: Date }): Promise<void> {
    await this.db.gig.upsert({
      where: { id: gig.id },
      create: { ...gig, deletedAt: null },
      update: { ...gig, deletedAt: null },
    });
  }

  async deleteGig(gig: { id: string; sellerId: string; deletedAt: Date }): Promise<void> {
    await this.db.gig.upsert({
      where: { id: gig.id },
      create: { ...gig, title: '', active: false, updatedAt: gig.deletedAt },
      update: { deletedAt: gig.deletedAt, active: false, updatedAt: gig.deletedAt },
    });
  }

  async gigById(id: string): Promise<GigRecord | null> {
    return this.db.gig.findUnique({
      where: { id },
      select: { id: true, sellerId: true, title: true, active: true, deletedAt: true },
    });
  }

  // Conversations

  async conversationsByIds(ids: readonly string[]): Promise<ConversationRecord[]> {
    if (ids.length === 0) return [];
    return this.db.conversation.findMany({ where: { id: { in: [...ids] } } });
  }

  /** The pair's conversation, created when there is none (one per pair, whoever races). */
  async conversationOfPair(a: string, b: string, now: Date): Promise<ConversationRecord> {
    const [userLow, userHigh] = a < b ? [a, b] : [b, a];
    await this.db.conversation.createMany({
      data: [{ id: randomUUID(), userLow, userHigh, createdAt: now, updatedAt: now }],
      skipDuplicates: true,
    });
    return this.db.conversation.findUniqueOrThrow({
      where: { userLow_userHigh: { userLow, userHigh } },
    });
  }

  /** The viewer's conversations, latest activity first (ties by id): one statement. */
  async conversationsPage(
    userId: string,
    request: { take: number; after: ConversationCursor | null },
  ): Promise<ConversationRecord[]> {
    const where: Prisma.ConversationWhereInput[] = [
      { OR: [{ userLow: userId }, { userHigh: userId }] },
    ];
    if (request.after) {
      const { updatedAt, id } = request.after;
      where.push(
        { updatedAt: { lte: updatedAt } },
        { OR: [{ updatedAt: { lt: updatedAt } }, { updatedAt, id: { lt: id } }] },
      );
    }
    return this.db.conversation.findMany({
      where: { AND: where },
      orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
      take: request.take + 1,
    });
  }

  /** Everyone the user has a conversation with. */
  async partnersOf(userId: string): Promise<string[]> {
    const rows = await this.db.conversation.findMany({
      where: { OR: [{ userLow: userId }, { userHigh: userId }] },
      select: { userLow: true, userHigh: true },
    });
    return rows.map((row) => (row.userLow === userId ? row.userHigh : row.userLow));
  }

  /** Whether the two users share a conversation. */
  async arePartners(a: string, b: string): Promise<boolean> {
    const [userLow, userHigh] = a < b ? [a, b] : [b, a];
    return (await this.db.conversation.count({ where: { userLow, userHigh } })) > 0;
  }

  // Messages

  /** Stores the message and makes it the conversation's latest activity. */
  async addMessage(message: NewMessage): Promise<MessageRecord> {
    const row = await this.db.message.create({
      data: {
        id: randomUUID(),
        conversationId: message.conversationId,
        senderId: message.senderId,
        recipientId: message.recipientId,
        body: message.body,
        attachmentUrl: message.attachmentUrl,
        createdAt: message.createdAt,
        ...(message.offer
          ? {
              offerGigId: message.offer.gigId,
              offerPriceCents: message.offer.priceCents,
              offerDeliveryDays: message.offer.deliveryDays,
              offerExpiresAt: message.offer.expiresAt,
              offerState: 'OPEN',
              offerUpdatedAt: message.createdAt,
            }
          : {}),
      },
    });
    await this.db.conversation.update({
      where: { id: message.conversationId },
      data: {
        lastMessageId: row.id,
        updatedAt: message.createdAt,
        ...(message.offer ? { gigId: message.offer.gigId } : {}),
      },
    });
    return toMessage(row);
  }

  async messagesByIds(ids: readonly string[]): Promise<MessageRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.message.findMany({ where: { id: { in: [...ids] } } });
    return rows.map(toMessage);
  }

  /**
   * One page of a conversation's messages: backward (the default `last`) reads newest first from
   * `before`, forward oldest first from `after`; `take + 1` rows.
   */
  async messagesPage(
    conversationId: string,
    request: PageRequest<MessageCursor>,
  ): Promise<MessageRecord[]> {
    const backward = request.direction === 'backward';
    const cursor = backward
      ? (request as BackwardPageRequest<MessageCursor>).before
      : request.after;
    const where: Prisma.MessageWhereInput[] = [{ conversationId }];
    if (cursor) {
      const { createdAt, id } = cursor;
      where.push(
        backward
          ? { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] }
          : { OR: [{ createdAt: { gt: createdAt } }, { createdAt, id: { gt: id } }] },
      );
    }
    const order = backward ? 'desc' : 'asc';
    const rows = await this.db.message.findMany({
      where: { AND: where },
      orderBy: [{ createdAt: order }, { id: order }],
      take: request.take + 1,
    });
    return rows.map(toMessage);
  }

  /** Unread messages to `userId` per conversation: one statement for all of them. */
  async unreadCounts(
    userId: string,
    conversationIds: readonly string[],
  ): Promise<Map<string, number>> {
    if (conversationIds.length === 0) return new Map();
    const rows = await this.db.message.groupBy({
      by: ['conversationId'],
      where: { conversationId: { in: [...conversationIds] }, recipientId: userId, readAt: null },
      _count: { _all: true },
    });
    return new Map(rows.map((row) => [row.conversationId, row._count._all]));
  }

  /** Marks the messages to `readerId` read; the number it marked. */
  async markRead(conversationId: string, readerId: string, at: Date): Promise<number> {
    const { count } = await this.db.message.updateMany({
      where: { conversationId, recipientId: readerId, readAt: null },
      data: { readAt: at },
    });
    return count;
  }

  // Offers

  /**
   * Moves an OPEN, unexpired offer to `state` in one statement; null when it was not open then
   * (answered already, or expired).
   */
  async closeOffer(
    offerId: string,
    state: ClosedOfferState,
    now: Date,
  ): Promise<MessageRecord | null> {
    const { count } = await this.db.message.updateMany({
      where: { id: offerId, offerState: 'OPEN', offerExpiresAt: { gt: now } },
      data: { offerState: state, offerUpdatedAt: now },
    });
    if (count === 0) return null;
    await this.db.conversation.updateMany({
      where: { messages: { some: { id: offerId } } },
      data: { updatedAt: now },
    });
    const row = await this.db.message.findUniqueOrThrow({ where: { id: offerId } });
    return toMessage(row);
  }

  /**
   * Marks an offer ACCEPTED because its order was paid (orders.order.placed): from OPEN, or
   * EXPIRED (the buyer accepted in time; the payment came later). Null when it was neither.
   */
  async markOfferAccepted(offerId: string, now: Date): Promise<MessageRecord | null> {
    const { count } = await this.db.message.updateMany({
      where: { id: offerId, offerState: { in: ['OPEN', 'EXPIRED'] } },
      data: { offerState: 'ACCEPTED', offerUpdatedAt: now },
    });
    if (count === 0) return null;
    await this.db.conversation.updateMany({
      where: { messages: { some: { id: offerId } } },
      data: { updatedAt: now },
    });
    const row = await this.db.message.findUniqueOrThrow({ where: { id: offerId } });
    return toMessage(row);
  }

  /** Writes EXPIRED on up to `limit` open offers past their expiry, returning them (the sweep). */
  async expireOffers(now: Date, limit: number): Promise<ExpiredOffer[]> {
    const rows = await this.db.$queryRawUnsafe<ExpiredOffer[]>(
      `UPDATE messages SET offer_state = 'EXPIRED', offer_updated_at = $1
       WHERE id IN (
         SELECT id FROM messages WHERE offer_state = 'OPEN' AND offer_expires_at <= $1
         ORDER BY offer_expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, conversation_id AS "conversationId", offer_gig_id AS "gigId",
         sender_id AS "sellerId", recipient_id AS "buyerId"`,
      now,
      limit,
    );
    if (rows.length > 0) {
      await this.db.conversation.updateMany({
        where: { id: { in: rows.map((row) => row.conversationId) } },
        data: { updatedAt: now },
      });
    }
    return rows;
  }

  // Presence

  /**
   * Opens many users' connections of one process in this transaction: locks their presence
   * rows in user-id order (so two batches never deadlock),
   * drops their lapsed connections, writes the new ones and marks online those who were not.
   * Returns the users who went online, with when they were last seen.
   */
  async openConnections(
    connections: readonly { id: string; userId: string }[],
    processId: string,
    expiresAt: Date,
    now: Date,
  ): Promise<PresenceRecord[]> {
    const byId = new Map(connections.map((c) => [c.id, c]));
    const unique = [...byId.values()];
    const userIds = [...new Set(unique.map((c) => c.userId))].sort();
    await this.db.$executeRawUnsafe(
      `INSERT INTO presence (user_id, online)
       SELECT u, false FROM unnest($1::uuid[]) AS u ORDER BY u ON CONFLICT DO NOTHING`,
      userIds,
    );
    const locked = await this.db.$queryRawUnsafe<PresenceRecord[]>(
      `SELECT user_id::text AS "userId", online, last_seen_at AS "lastSeenAt"
       FROM presence WHERE user_id = ANY($1::uuid[]) ORDER BY user_id FOR UPDATE`,
      userIds,
    );
    await this.db.$executeRawUnsafe(
      `DELETE FROM presence_connections WHERE user_id = ANY($1::uuid[]) AND expires_at <= $2`,
      userIds,
      now,
    );
    await this.db.$executeRawUnsafe(
      `INSERT INTO presence_connections (id, user_id, process_id, expires_at)
       SELECT c.id, c.user_id, $3::uuid, $4 FROM unnest($1::uuid[], $2::uuid[]) AS c(id, user_id)
       ON CONFLICT (id) DO UPDATE SET expires_at = EXCLUDED.expires_at`,
      unique.map((c) => c.id),
      unique.map((c) => c.userId),
      processId,
      expiresAt,
    );
    const wentOnline = locked.filter((row) => !row.online);
    if (wentOnline.length > 0) {
      await this.db.$executeRawUnsafe(
        `UPDATE presence SET online = true WHERE user_id = ANY($1::uuid[])`,
        wentOnline.map((row) => row.userId),
      );
    }
    return wentOnline;
  }

  /**
   * Ends connections in this transaction: locks the users' presence rows in
   * id order, deletes the given connections and the users' lapsed ones, and marks offline (last
   * seen `now`) the users who were online and have no live connection left. Returns those users.
   */
  async closeConnections(
    userIds: readonly string[],
    connectionIds: readonly string[],
    now: Date,
  ): Promise<string[]> {
    const users = [...new Set(userIds)].sort();
    await this.db.$queryRawUnsafe(
      `SELECT 1 FROM presence WHERE user_id = ANY($1::uuid[]) ORDER BY user_id FOR UPDATE`,
      users,
    );
    await this.db.$executeRawUnsafe(
      `DELETE FROM presence_connections
       WHERE id = ANY($1::uuid[]) OR (user_id = ANY($2::uuid[]) AND expires_at <= $3)`,
      connectionIds,
      users,
      now,
    );
    const rows = await this.db.$queryRawUnsafe<{ userId: string }[]>(
      `UPDATE presence p SET online = false, last_seen_at = $2
       WHERE p.user_id = ANY($1::uuid[]) AND p.online
         AND NOT EXISTS (SELECT 1 FROM presence_connections c
                         WHERE c.user_id = p.user_id AND c.expires_at > $2)
       RETURNING p.user_id::text AS "userId"`,
      users,
      now,
    );
    return rows.map((row) => row.userId).sort();
  }

  /** The heartbeat: every connection of the process lives until `expiresAt`. */
  async refreshConnections(processId: string, expiresAt: Date): Promise<number> {
    const { count } = await this.db.presenceConnection.updateMany({
      where: { processId },
      data: { expiresAt },
    });
    return count;
  }

  /** Users with a connection that lapsed (its process stopped beating). */
  async usersWithLapsedConnections(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db.presenceConnection.findMany({
      where: { expiresAt: { lte: now } },
      select: { userId: true },
      distinct: ['userId'],
      take: limit,
    });
    return rows.map((row) => row.userId);
  }

  /** Presence of many users in one statement: online = a live connection now. */
  async presenceOf(userIds: readonly string[], now: Date): Promise<PresenceRecord[]> {
    if (userIds.length === 0) return [];
    return this.db.$queryRawUnsafe<PresenceRecord[]>(
      `SELECT u.id AS "userId",
         EXISTS (SELECT 1 FROM presence_connections c WHERE c.user_id = u.id AND c.expires_at > $2)
           AS online,
         p.last_seen_at AS "lastSeenAt"
       FROM unnest($1::uuid[]) AS u(id) LEFT JOIN presence p ON p.user_id = u.id`,
      [...userIds],
      now,
    );
  }
}
