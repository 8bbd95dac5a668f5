import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  errors,
  isUuid,
  parseInput,
  requireViewer,
  type Caller,
  type ForwardPageArgs,
  type ForwardPageRequest,
} from '@jobber/service-kit';
import type { EventData } from '@jobber/events';
import { reviewPages } from './pages.js';
import {
  sideOf,
  type CompletedOrderRecord,
  type ReviewKind,
  type ReviewRecord,
} from './records.js';
import type { ReviewCursor, ReviewPagesRequest, ReviewsStore } from './store.js';

/** Limits of a review's comment and of a reply. */
export const COMMENT_MAX = 2_000;
export const REPLY_MAX = 2_000;

const uuid = z.string().refine(isUuid, 'Not a valid id.');

const addReviewInput = z.object({
  orderId: uuid,
  rating: z.number().int('Whole stars only.').min(1, 'At least 1.').max(5, 'At most 5.'),
  comment: z.string().trim().max(COMMENT_MAX, `At most ${COMMENT_MAX} characters.`),
});

const replyInput = z.object({
  reviewId: uuid,
  body: z
    .string()
    .trim()
    .min(1, 'Must not be empty.')
    .max(REPLY_MAX, `At most ${REPLY_MAX} characters.`),
});

/** One page of one owner's reviews (a gig's, or a reviewee's of a kind), as a loader key. */
export interface ReviewPageRead extends Omit<ReviewPagesRequest, 'ownerIds'> {
  ownerId: string;
}

export function reviewPageKey(page: ReviewPageRead): string {
  const after = page.after ? `${page.after.createdAt.toISOString()}|${page.after.id}` : '|';
  return `${page.ownerId}|${page.by}|${page.kind ?? ''}|${page.take}|${after}`;
}

export function parseReviewPageKey(key: string): ReviewPageRead {
  const [ownerId = '', by, kind, take, createdAt, id] = key.split('|');
  return {
    ownerId,
    by: by === 'gig' ? 'gig' : 'reviewee',
    kind: kind ? (kind as ReviewKind) : null,
    take: Number(take),
    after: createdAt && id ? { createdAt: new Date(createdAt), id } : null,
  };
}

/**
 * The review rules: an order is reviewable once reviews has heard it COMPLETED (from
 * `orders.order.completed`, never by asking orders); its buyer reviews the seller and its seller
 * the buyer, once per side; the reviewed seller answers a buyer's review once. Each write enqueues
 * its event in the same transaction.
 */
export class Reviews {
  constructor(
    private readonly store: ReviewsStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** `review(id)`: public; null for an unknown id. */
  async review(id: string): Promise<ReviewRecord | null> {
    if (!isUuid(id)) return null;
    const [review] = await this.store.reviewsByIds([id]);
    return review ?? null;
  }

  /** What a page of a gig's (buyers') reviews reads; null when nothing can match. */
  gigReviewsPage(
    gigId: string,
    args: ForwardPageArgs,
  ): { request: ForwardPageRequest<ReviewCursor>; read: ReviewPageRead | null } {
    return this.page(gigId, 'gig', null, args);
  }

  /** What a page of a user's received reviews (of one kind, or both) reads. */
  receivedReviewsPage(
    userId: string,
    kind: ReviewKind | null | undefined,
    args: ForwardPageArgs,
  ): { request: ForwardPageRequest<ReviewCursor>; read: ReviewPageRead | null } {
    return this.page(userId, 'reviewee', kind ?? null, args);
  }

  async addReview(input: unknown, caller: Caller): Promise<ReviewRecord> {
    const viewer = requireViewer(caller);
    const { orderId, rating, comment } = parseInput(addReviewInput, input);
    const order = await this.store.completedOrder(orderId);
    if (!order) {
      // Reviews cannot tell an order that is not completed from one it has not heard of yet.
      throw errors.conflict('Only a completed order can be reviewed.', 'orderId');
    }
    const side = sideOf(order, viewer.id);
    if (!side) throw errors.forbidden('Only the buyer and the seller of an order can review it.');
    return this.store.transaction(async (store) => {
      const review: ReviewRecord = {
        id: randomUUID(),
        orderId,
        gigId: order.gigId,
        reviewerId: viewer.id,
        revieweeId: side.revieweeId,
        kind: side.kind,
        rating,
        comment,
        replyBody: null,
        repliedAt: null,
        createdAt: this.now(),
      };
      if (!(await store.addReview(review))) {
        throw errors.conflict('You have reviewed this order already.', 'orderId');
      }
      await store.enqueue('reviews.review.created', reviewCreated(review, order));
      return review;
    });
  }

  async replyToReview(input: unknown, caller: Caller): Promise<ReviewRecord> {
    const viewer = requireViewer(caller);
    const { reviewId, body } = parseInput(replyInput, input);
    return this.store.transaction(async (store) => {
      const replied = await store.reply(reviewId, viewer.id, body, this.now());
      if (!replied) {
        const [review] = await store.reviewsByIds([reviewId]);
        if (!review) throw errors.notFound('Review');
        if (review.revieweeId !== viewer.id || review.kind !== 'BUYER_TO_SELLER') {
          throw errors.forbidden('Only the reviewed seller can answer a buyer’s review.');
        }
        throw errors.conflict('This review has been answered already.', 'reviewId');
      }
      await store.enqueue('reviews.review.replied', {
        reviewId: replied.id,
        orderId: replied.orderId,
        gigId: replied.gigId,
        reviewerId: replied.reviewerId,
        revieweeId: replied.revieweeId,
        body,
        repliedAt: (replied.repliedAt ?? this.now()).toISOString(),
      });
      return replied;
    });
  }

  private page(
    ownerId: string,
    by: ReviewPageRead['by'],
    kind: ReviewKind | null,
    args: ForwardPageArgs,
  ): { request: ForwardPageRequest<ReviewCursor>; read: ReviewPageRead | null } {
    const request = reviewPages.forward(args);
    if (!isUuid(ownerId)) return { request, read: null };
    return {
      request,
      read: { ownerId, by, kind, take: request.take + 1, after: request.after },
    };
  }
}

export function reviewCreated(
  review: ReviewRecord,
  order: CompletedOrderRecord,
): EventData<'reviews.review.created'> {
  return {
    reviewId: review.id,
    orderId: review.orderId,
    gigId: review.gigId,
    sellerId: order.sellerId,
    buyerId: order.buyerId,
    kind: review.kind,
    reviewerId: review.reviewerId,
    revieweeId: review.revieweeId,
    rating: review.rating,
    comment: review.comment,
    createdAt: review.createdAt.toISOString(),
  };
}
