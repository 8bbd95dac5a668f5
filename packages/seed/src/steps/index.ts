import type { SeedStep } from '../context.js';
import { membersStep } from './members.js';

/**
 * The seed's steps, in order. Each later subgraph adds its own step here (gigs, then
 * conversations, orders, reviews), acting as the members made before it.
 */
export const steps: readonly SeedStep[] = [membersStep];
