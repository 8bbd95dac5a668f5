import { cursorPages, type Connection, type Edge } from '@jobber/service-kit';
import type { ReviewRecord } from './records.js';

/** `Gig.reviews` and `User.reviewsReceived`: newest first, ties by id. */
export const reviewPages = cursorPages({ createdAt: 'date', id: 'uuid' });

export type ReviewPage = Connection<ReviewRecord>;
export type ReviewPageEdge = Edge<ReviewRecord>;
