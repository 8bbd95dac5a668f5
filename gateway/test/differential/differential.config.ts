import { z } from 'zod';

/**
 * The differential test's settings (the only place it reads the environment). The seed is
 * printed by every run; `DIFFERENTIAL_SEED=<n> npx vitest run test/differential` replays one.
 */
const schema = z.object({
  DIFFERENTIAL_SEED: z.coerce.number().int().min(0).default(20261203),
  /** Random operations generated over the API schema. */
  DIFFERENTIAL_RANDOM_OPERATIONS: z.coerce.number().int().min(0).default(2_000),
  /** Random subscriptions (each a stream of the synthetic subgraphs' events, `rest` per event). */
  DIFFERENTIAL_RANDOM_SUBSCRIPTIONS: z.coerce.number().int().min(0).default(300),
  /** The executor under test and the one it must agree with. */
  DIFFERENTIAL_EXECUTOR: z.enum(['jobber', 'apollo']).default('jobber'),
  DIFFERENTIAL_REFERENCE: z.enum(['jobber', 'apollo']).default('apollo'),
  /** Operations in flight at once against each gateway. */
  DIFFERENTIAL_CONCURRENCY: z.coerce.number().int().positive().default(8),
});

export type DifferentialConfig = z.infer<typeof schema>;

export function loadDifferentialConfig(): DifferentialConfig {
  return schema.parse(process.env);
}
