import { orderStatuses } from '@jobber/events';
import { errors } from '@jobber/service-kit';

/** An order's states (docs/2026-12-03-orders.md has the diagram), as its events carry them. */
export const ORDER_STATUSES = orderStatuses;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Who makes a move: the order's buyer, its seller, or the system (payments, the schedule). */
export type Actor = 'BUYER' | 'SELLER' | 'SYSTEM';

/** Every move that changes an order's status. */
export type OrderMove =
  | 'confirmPayment'
  | 'expirePayment'
  | 'start'
  | 'deliver'
  | 'requestRevision'
  | 'accept'
  | 'autoComplete'
  | 'cancel'
  | 'acceptCancellation';

export interface Transition {
  move: OrderMove;
  from: OrderStatus;
  to: OrderStatus;
  by: Actor;
}

/**
 * The one table of allowed transitions: a move not listed for a status is refused (CONFLICT).
 * Payment is confirmed by the buyer's sandbox call or Stripe's webhook (SYSTEM covers both:
 * whoever confirms, the payment decides); cancellations refund what was paid.
 */
export const TRANSITIONS: readonly Transition[] = [
  { move: 'confirmPayment', from: 'PENDING_PAYMENT', to: 'PLACED', by: 'SYSTEM' },
  { move: 'expirePayment', from: 'PENDING_PAYMENT', to: 'CANCELLED', by: 'SYSTEM' },
  { move: 'start', from: 'PLACED', to: 'IN_PROGRESS', by: 'SELLER' },
  { move: 'deliver', from: 'IN_PROGRESS', to: 'DELIVERED', by: 'SELLER' },
  { move: 'requestRevision', from: 'DELIVERED', to: 'IN_PROGRESS', by: 'BUYER' },
  { move: 'accept', from: 'DELIVERED', to: 'COMPLETED', by: 'BUYER' },
  { move: 'autoComplete', from: 'DELIVERED', to: 'COMPLETED', by: 'SYSTEM' },
  { move: 'cancel', from: 'PLACED', to: 'CANCELLED', by: 'SELLER' },
  { move: 'cancel', from: 'IN_PROGRESS', to: 'CANCELLED', by: 'SELLER' },
  { move: 'acceptCancellation', from: 'PLACED', to: 'CANCELLED', by: 'SELLER' },
  { move: 'acceptCancellation', from: 'IN_PROGRESS', to: 'CANCELLED', by: 'SELLER' },
];

/** The transition of `move` from `status`, or undefined when the table has none. */
export function findTransition(status: OrderStatus, move: OrderMove): Transition | undefined {
  return TRANSITIONS.find((entry) => entry.move === move && entry.from === status);
}

/** The status `move` leads to from `status`; CONFLICT when the table does not allow it. */
export function transition(status: OrderStatus, move: OrderMove): OrderStatus {
  const found = findTransition(status, move);
  if (!found) {
    throw errors.conflict(
      `This order is ${describe(status)}: ${MOVE_NAMES[move]} is not possible now.`,
      'orderId',
    );
  }
  return found.to;
}

/** Who may make `move` (the same for every status it is allowed from). */
export function actorOf(move: OrderMove): Actor {
  const found = TRANSITIONS.find((entry) => entry.move === move);
  if (!found) throw new Error(`no transition for ${move}`);
  return found.by;
}

/** Moves that do not change the status, and the statuses they are allowed in. */
export const SIDE_MOVES = {
  /** The buyer asks the seller to cancel (the seller accepts or declines). */
  requestCancellation: { in: ['PLACED', 'IN_PROGRESS'], by: 'BUYER' },
  respondToCancellation: { in: ['PLACED', 'IN_PROGRESS'], by: 'SELLER' },
  /** The seller asks for a later due date; the buyer approves or declines. */
  requestExtension: { in: ['PLACED', 'IN_PROGRESS'], by: 'SELLER' },
  respondToExtension: { in: ['PLACED', 'IN_PROGRESS', 'DELIVERED'], by: 'BUYER' },
} as const satisfies Record<string, { in: readonly OrderStatus[]; by: Actor }>;
export type SideMove = keyof typeof SIDE_MOVES;

/** CONFLICT unless `move` is allowed in `status`. */
export function requireSideMove(status: OrderStatus, move: SideMove): void {
  if (!(SIDE_MOVES[move].in as readonly OrderStatus[]).includes(status)) {
    throw errors.conflict(
      `This order is ${describe(status)}: ${MOVE_NAMES[move]} is not possible now.`,
      'orderId',
    );
  }
}

/** Statuses after which nothing more happens. */
export function isFinal(status: OrderStatus): boolean {
  return status === 'COMPLETED' || status === 'CANCELLED';
}

const MOVE_NAMES: Record<OrderMove | SideMove, string> = {
  confirmPayment: 'confirming the payment',
  expirePayment: 'expiring the payment',
  start: 'starting it',
  deliver: 'delivering it',
  requestRevision: 'asking for a revision',
  accept: 'accepting the delivery',
  autoComplete: 'completing it',
  cancel: 'cancelling it',
  acceptCancellation: 'accepting the cancellation',
  requestCancellation: 'asking to cancel',
  respondToCancellation: 'answering a cancellation request',
  requestExtension: 'asking for more time',
  respondToExtension: 'answering an extension request',
};

function describe(status: OrderStatus): string {
  return status.toLowerCase().replace('_', ' ');
}
