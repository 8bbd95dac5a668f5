import { cursorPages, type Connection, type Edge } from '@jobber/service-kit';
import type { OrderRecord } from './records.js';

/** `User.orders`: newest first, ties by id. */
export const orderPages = cursorPages({ createdAt: 'date', id: 'uuid' });

export type OrderPage = Connection<OrderRecord>;
export type OrderPageEdge = Edge<OrderRecord>;
