import { cursorPages, type Connection, type Edge } from '@jobber/service-kit';
import type { NotificationRecord } from './records.js';

/** `notifications`: newest first, ties by id. */
export const notificationPages = cursorPages({ createdAt: 'date', id: 'uuid' });

export type NotificationPage = Connection<NotificationRecord>;
export type NotificationPageEdge = Edge<NotificationRecord>;
