import type { SeedStep } from '../context.js';
import { conversationsStep } from './conversations.js';
import { gigsStep } from './gigs.js';
import { membersStep } from './members.js';
import { ordersStep } from './orders.js';
import { reviewsStep } from './reviews.js';

/**
 * The seed's steps, in order. Each subgraph that lands adds its own step here, acting as the
 * members and on what the steps before it made.
 */
export const steps: readonly SeedStep[] = [
  membersStep,
  gigsStep,
  conversationsStep,
  ordersStep,
  reviewsStep,
];
