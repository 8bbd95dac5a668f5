import {
  SubgraphStore,
  createPrismaClient,
  isUuid,
  type DatabaseSettings,
} from '@jobber/service-kit';
import { Prisma, PrismaClient } from './generated/prisma/client.js';
import type { CompletedOrderRecord, ReviewKind, ReviewRecord } from './records.js';

/** The only module that talks to Prisma: every query of the reviews subgraph lives here. */

export type ReviewsPrisma = PrismaClient;
export type ReviewsTransaction = Prisma.TransactionClient;

export function createPrisma(
  database: DatabaseSettings,
  onQuery?: (sql: string) => void,
): ReviewsPrisma {
  return createPrismaClient(PrismaClient, database, onQuery);
}

type ReviewRow = Prisma.ReviewGetPayload<object>;

/** The review table's columns under the model's field names, for raw reads mapped by toReview. */
const REVIEW_COLUMNS = `r.id::text AS "id", r.order_id::text AS "orderId", r.gig_id::text AS "gigId",
  r.reviewer_id::text AS "reviewerId", r.reviewee_id::text AS "revieweeId", r.kind, r.rating,
  r.comment, r.reply_body AS "replyBody", r.replied_at AS "repliedAt", r.created_at AS "createdAt"`;

function toReview(row: ReviewRow): ReviewRecord {
  return {
    id: row.id,
    orderId: row.orderId,
    gigId: row.gigId,
    reviewerId: row.reviewerId,
    revieweeId: row.revieweeId,
    kind: row.kind as ReviewKind,
    rating: row.rating,
    comment: row.comment,
    replyBody: row.replyBody,
    repliedAt: row.repliedAt,
    createdAt: row.createdAt,
  };
}

/** Page cursor of review lists: (createdAt, id), newest first. */
export interface ReviewCursor {
  createdAt: Date;
  id: string;
}

/**
 * The same page of reviews for each of many gigs (their buyers' reviews) or reviewees (with an
 * optional kind), newest first after the cursor; `take` is the rows to read per owner.
 */
export interface ReviewPagesRequest {
  by: 'gig' | 'reviewee';
  ownerIds: readonly string[];
  kind: ReviewKind | null;
  take: number;
  after: ReviewCursor | null;
}

/** `transaction()`, `within(tx)` and `enqueue()` come from the kit's SubgraphStore. */
export class ReviewsStore extends SubgraphStore<ReviewsTransaction> {
  // Completed orders (orders.order.completed)

  /** False when the order was already known. */
  async addCompletedOrder(order: CompletedOrderRecord): Promise<boolean> {
    const { count } = await this.db.completedOrder.createMany({
      data: [order],
      skipDuplicates: true,
    });
    return count === 1;
  }

  async completedOrder(orderId: string): Promise<CompletedOrderRecord | null> {
    return this.db.completedOrder.findUnique({ where: { orderId } });
  }

  // Reviews

  /**
   * Stores the review unless its order already has one of its kind (one statement, no error
   * that would end the transaction): false when that side has reviewed the order already.
   */
  async addReview(review: ReviewRecord): Promise<boolean> {
    const { count } = await this.db.review.createMany({ data: [review], skipDuplicates: true });
    return count === 1;
  }

  async reviewsByIds(ids: readonly string[]): Promise<ReviewRecord[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    const rows = await this.db.review.findMany({ where: { id: { in: valid } } });
    return rows.map(toReview);
  }

  /**
   * Sets the reply of a buyer's review of `sellerId` that has none, in one statement: null when
   * there was no such review to answer (the rules then say why).
   */
  async reply(
    reviewId: string,
    sellerId: string,
    body: string,
    at: Date,
  ): Promise<ReviewRecord | null> {
    const { count } = await this.db.review.updateMany({
      where: { id: reviewId, revieweeId: sellerId, kind: 'BUYER_TO_SELLER', replyBody: null },
      data: { replyBody: body, repliedAt: at },
    });
    if (count === 0) return null;
    const row = await this.db.review.findUniqueOrThrow({ where: { id: reviewId } });
    return toReview(row);
  }

  /**
   * One page for each owner in one statement (a lateral join walks the owner's index once each);
   * the outer order keeps each owner's rows newest first whatever plan PostgreSQL picks.
   */
  async reviewPages(request: ReviewPagesRequest): Promise<ReviewRecord[]> {
    const ownerIds = [...new Set(request.ownerIds.filter(isUuid))];
    if (ownerIds.length === 0) return [];
    const column = request.by === 'gig' ? 'gig_id' : 'reviewee_id';
    const kind = request.by === 'gig' ? 'BUYER_TO_SELLER' : request.kind;
    const rows = await this.db.$queryRawUnsafe<ReviewRow[]>(
      `SELECT ${REVIEW_COLUMNS} FROM unnest($1::uuid[]) AS o(owner_id)
      CROSS JOIN LATERAL (
        SELECT * FROM reviews r
        WHERE r.${column} = o.owner_id
          AND ($2::text IS NULL OR r.kind = $2::text)
          AND ($3::timestamptz IS NULL OR (r.created_at, r.id) < ($3::timestamptz, $4::uuid))
        ORDER BY r.created_at DESC, r.id DESC
        LIMIT $5::int
      ) r
      ORDER BY r.created_at DESC, r.id DESC`,
      ownerIds,
      kind,
      request.after?.createdAt ?? null,
      request.after?.id ?? null,
      request.take,
    );
    return rows.map(toReview);
  }
}
