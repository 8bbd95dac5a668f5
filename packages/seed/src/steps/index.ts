import type { SeedStep } from '../context.js';
import { conversationsStep } from './conversations.js';
import { gigsStep } from './gigs.js';
import { membersStep } from './members.js';

/**
 * The seed's steps, in order. Each later subgraph adds its own step here (orders, then
 * reviews), acting as the members and on the gigs made before it.
 */
export const steps: readonly SeedStep[] = [membersStep, gigsStep, conversationsStep];
