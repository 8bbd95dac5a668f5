import { z } from 'zod';
import { defaultOperationLimits, type OperationLimits } from './operation-limits.js';

const limit = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/** The environment variables of the operation limits (README "Limits"), one per limit. */
export const limitVariables = {
  MAX_QUERY_TOKENS: limit(defaultOperationLimits.tokens),
  MAX_QUERY_DEPTH: limit(defaultOperationLimits.depth),
  MAX_INTROSPECTION_DEPTH: limit(defaultOperationLimits.introspectionDepth),
  MAX_QUERY_COST: limit(defaultOperationLimits.cost),
  MAX_QUERY_ALIASES: limit(defaultOperationLimits.aliases),
  MAX_ROOT_FIELDS: limit(defaultOperationLimits.rootFields),
  MAX_QUERY_DIRECTIVES: limit(defaultOperationLimits.directives),
  MAX_FRAGMENT_SPREADS: limit(defaultOperationLimits.fragmentSpreads),
  MAX_REPEATED_FIELDS: limit(defaultOperationLimits.repeatedFields),
};

type LimitEnv = { [K in keyof typeof limitVariables]: number };

export function operationLimitsFrom(env: LimitEnv): OperationLimits {
  return {
    tokens: env.MAX_QUERY_TOKENS,
    depth: env.MAX_QUERY_DEPTH,
    introspectionDepth: env.MAX_INTROSPECTION_DEPTH,
    cost: env.MAX_QUERY_COST,
    aliases: env.MAX_QUERY_ALIASES,
    rootFields: env.MAX_ROOT_FIELDS,
    directives: env.MAX_QUERY_DIRECTIVES,
    fragmentSpreads: env.MAX_FRAGMENT_SPREADS,
    repeatedFields: env.MAX_REPEATED_FIELDS,
  };
}
