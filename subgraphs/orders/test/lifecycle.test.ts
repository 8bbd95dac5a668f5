import { describe, expect, it } from 'vitest';
import { AppError } from '@jobber/service-kit';
import {
  ORDER_STATUSES,
  SIDE_MOVES,
  TRANSITIONS,
  actorOf,
  findTransition,
  requireSideMove,
  transition,
  type OrderMove,
  type OrderStatus,
  type SideMove,
} from '../src/lifecycle.js';

// The whole table, both ways: every (status, move) pair is allowed exactly when listed.
const MOVES: OrderMove[] = [
  'confirmPayment',
  'expirePayment',
  'start',
  'deliver',
  'requestRevision',
  'accept',
  'autoComplete',
  'cancel',
  'acceptCancellation',
];

const EXPECTED: Record<OrderMove, Partial<Record<OrderStatus, OrderStatus>>> = {
  confirmPayment: { PENDING_PAYMENT: 'PLACED' },
  expirePayment: { PENDING_PAYMENT: 'CANCELLED' },
  start: { PLACED: 'IN_PROGRESS' },
  deliver: { IN_PROGRESS: 'DELIVERED' },
  requestRevision: { DELIVERED: 'IN_PROGRESS' },
  accept: { DELIVERED: 'COMPLETED' },
  autoComplete: { DELIVERED: 'COMPLETED' },
  cancel: { PLACED: 'CANCELLED', IN_PROGRESS: 'CANCELLED' },
  acceptCancellation: { PLACED: 'CANCELLED', IN_PROGRESS: 'CANCELLED' },
};

function conflictOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof AppError ? error.code : 'OTHER';
  }
}

describe('the transition table', () => {
  for (const move of MOVES) {
    for (const status of ORDER_STATUSES) {
      const to = EXPECTED[move][status];
      if (to) {
        it(`allows ${move} from ${status} (→ ${to})`, () => {
          expect(transition(status, move)).toBe(to);
        });
      } else {
        it(`refuses ${move} from ${status} with CONFLICT`, () => {
          expect(findTransition(status, move)).toBeUndefined();
          expect(conflictOf(() => transition(status, move))).toBe('CONFLICT');
        });
      }
    }
  }

  it('lists nothing the expectations above do not', () => {
    const listed = TRANSITIONS.map((entry) => `${entry.move}:${entry.from}:${entry.to}`).sort();
    const expected = Object.entries(EXPECTED)
      .flatMap(([move, froms]) =>
        Object.entries(froms).map(([from, to]) => `${move}:${from}:${to}`),
      )
      .sort();
    expect(listed).toEqual(expected);
  });

  it('gives each move one actor: the seller works, the buyer accepts, the system pays and times out', () => {
    expect(Object.fromEntries(MOVES.map((move) => [move, actorOf(move)]))).toEqual({
      confirmPayment: 'SYSTEM',
      expirePayment: 'SYSTEM',
      start: 'SELLER',
      deliver: 'SELLER',
      requestRevision: 'BUYER',
      accept: 'BUYER',
      autoComplete: 'SYSTEM',
      cancel: 'SELLER',
      acceptCancellation: 'SELLER',
    });
    for (const move of MOVES) {
      expect(new Set(TRANSITIONS.filter((t) => t.move === move).map((t) => t.by)).size).toBe(1);
    }
  });

  it('never leaves COMPLETED or CANCELLED', () => {
    expect(TRANSITIONS.filter((t) => t.from === 'COMPLETED' || t.from === 'CANCELLED')).toEqual([]);
  });
});

describe('moves that keep the status', () => {
  const allowed: Record<SideMove, OrderStatus[]> = {
    requestCancellation: ['PLACED', 'IN_PROGRESS'],
    respondToCancellation: ['PLACED', 'IN_PROGRESS'],
    requestExtension: ['PLACED', 'IN_PROGRESS'],
    respondToExtension: ['PLACED', 'IN_PROGRESS', 'DELIVERED'],
  };
  for (const move of Object.keys(SIDE_MOVES) as SideMove[]) {
    for (const status of ORDER_STATUSES) {
      const ok = allowed[move].includes(status);
      it(`${ok ? 'allows' : 'refuses'} ${move} in ${status}`, () => {
        expect(conflictOf(() => requireSideMove(status, move))).toBe(ok ? undefined : 'CONFLICT');
      });
    }
  }
});
