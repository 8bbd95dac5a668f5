import type { Mailbox } from '@jobber/mailbox';
import type { Sizes } from './args.js';
import type { GatewayClient } from './gateway-client.js';
import type { PlannedMember } from './people.js';
import type { Progress } from './progress.js';
import { Random } from './random.js';

/** A member the seed made and holds a session of (later steps act as them). */
export interface SeededMember extends PlannedMember {
  id: string;
  accessToken: string;
  /** The sign-up device's secret: `signIn` with it needs no emailed code. */
  deviceSecret: string;
}

/** A gig the seed published, for the steps that talk about gigs (conversations, orders, …). */
export interface SeededGig {
  id: string;
  seller: SeededMember;
  title: string;
  priceCents: number;
  deliveryDays: number;
  active: boolean;
}

/** An offer the conversations step left open, for the orders step to accept. */
export interface SeededOffer {
  id: string;
  buyer: SeededMember;
  gig: SeededGig;
}

/** An order the orders step made, and where it left it. */
export interface SeededOrder {
  id: string;
  buyer: SeededMember;
  seller: SeededMember;
  gig: SeededGig;
  status: 'PENDING_PAYMENT' | 'PLACED' | 'IN_PROGRESS' | 'DELIVERED' | 'COMPLETED' | 'CANCELLED';
}

/** What every step gets: the gateway, the emails, its own random stream, the members so far. */
export interface SeedContext {
  seed: number;
  sizes: Sizes;
  concurrency: number;
  gateway: GatewayClient;
  mailbox: Mailbox;
  progress: Progress;
  /** The members step fills these; later steps (gigs, orders, …) act as them. */
  members: { sellers: SeededMember[]; buyers: SeededMember[] };
  /** The gigs step fills this. */
  gigs: SeededGig[];
  /** The conversations step's open offers; the orders step accepts some. */
  offers: SeededOffer[];
  /** The orders step fills this; the reviews step reviews the completed ones. */
  orders: SeededOrder[];
  /** Counts per kind for the summary (`buyers: 500`, `sellers: 200`, later `gigs`, …). */
  made: Record<string, number>;
  /** A random stream of its own per step, so steps do not shift each other's choices. */
  random(stream: string): Random;
}

/**
 * One step of the seed: what it makes, the API root fields it needs (a step whose subgraph is
 * not in the gateway's API yet is skipped with a line), and the work.
 */
export interface SeedStep {
  name: string;
  needs: readonly string[];
  /** How many things it will make (the progress bar's total) for these sizes. */
  total(context: SeedContext): number;
  run(context: SeedContext, tick: () => void): Promise<void>;
}

export function randomFor(seed: number) {
  return (stream: string) => new Random(seed, stream);
}

/** A run stops with this when the data is already there (see docs/2026-12-02-seed-data.md). */
export class AlreadySeededError extends Error {
  constructor(username: string, seed: number) {
    super(
      `The marketplace of seed ${seed} is already here (${username} has an account), so nothing ` +
        `was made. Seed another number (npm run seed -- --seed ${seed + 1}) or start from an ` +
        'empty database (stop npm start, delete .data/postgres, start again).',
    );
    this.name = 'AlreadySeededError';
  }
}
