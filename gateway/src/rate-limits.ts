import type { ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { ErrorCode, type Logger, type RequestIdentity } from '@jobber/service-kit';

/**
 * Mutations that cost a password hash, send an email or guess a secret: counted per client
 * address and per signed-in account on their own, each aliased copy once.
 */
export const SENSITIVE_MUTATIONS: ReadonlySet<string> = new Set([
  'signUp',
  'completeSignUp',
  'resendSignUpConfirmation',
  'signIn',
  'verifySignInCode',
  'requestPasswordReset',
  'resetPassword',
  'changePassword',
]);

export interface RateLimitSettings {
  windowSeconds: number;
  /** Operations per client address, and per signed-in account, in a window (0 = no limit). */
  operationsPerIp: number;
  operationsPerAccount: number;
  /** Root fields of SENSITIVE_MUTATIONS per client address and per account in a window. */
  sensitivePerIp: number;
  sensitivePerAccount: number;
  /**
   * Cost points (the operation limits' cost model) per client address and per account in a
   * window: one client sending the costliest operations the limits allow gets a bounded share
   * of the gateway and the subgraphs, whatever its concurrency.
   */
  costPerIp: number;
  costPerAccount: number;
  /** Before every key (in Redis, so that several deployments can share one). */
  keyPrefix: string;
}

export interface WindowStore {
  hit(key: string, windowMs: number, weight: number): Promise<{ count: number; resetInMs: number }>;
}

/** Raised when a bucket is full: the client may try again after `retryAfterSeconds`. */
export class RateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests; try again in ${retryAfterSeconds} s.`);
    this.name = 'RateLimited';
  }
}

export interface RateLimiter {
  /** Counts one operation for the caller's address and account; throws RateLimited when full. */
  admitRequest(identity: RequestIdentity): Promise<void>;
  /** Counts `weight` sensitive mutations; throws RateLimited when full. */
  admitSensitive(identity: RequestIdentity, weight: number): Promise<void>;
  /** Charges an operation's cost points; throws RateLimited when the budget is spent. */
  admitCost(identity: RequestIdentity, cost: number): Promise<void>;
}

/**
 * Fixed windows over a store (this process's memory, or Redis for several gateways). A store
 * that fails lets the request through and logs: a limiter outage is not a gateway outage.
 */
export function createRateLimiter(
  settings: RateLimitSettings,
  store: WindowStore,
  logger: Logger,
): RateLimiter {
  const windowMs = settings.windowSeconds * 1000;
  let lastStoreWarning = 0;

  async function take(bucket: string, subject: string, limit: number, weight: number) {
    if (limit <= 0 || weight <= 0) return;
    let counted;
    try {
      counted = await store.hit(`${settings.keyPrefix}${bucket}:${subject}`, windowMs, weight);
    } catch (error) {
      if (Date.now() - lastStoreWarning > 10_000) {
        lastStoreWarning = Date.now();
        logger.warn({ err: error }, 'rate limits: store unavailable; requests let through');
      }
      return;
    }
    if (counted.count > limit) {
      throw new RateLimited(Math.max(1, Math.ceil(counted.resetInMs / 1000)));
    }
  }

  async function both(
    identity: RequestIdentity,
    bucket: string,
    perIp: number,
    perAccount: number,
    weight: number,
  ) {
    const { ip } = identity.client;
    if (ip) await take(`${bucket}:ip`, ip, perIp, weight);
    if (identity.viewer) await take(`${bucket}:account`, identity.viewer.id, perAccount, weight);
  }

  return {
    admitRequest: (identity) =>
      both(identity, 'op', settings.operationsPerIp, settings.operationsPerAccount, 1),
    admitSensitive: (identity, weight) =>
      both(identity, 'sensitive', settings.sensitivePerIp, settings.sensitivePerAccount, weight),
    admitCost: (identity, cost) =>
      both(identity, 'cost', settings.costPerIp, settings.costPerAccount, cost),
  };
}

/** The one error of a 429 answered before GraphQL execution. */
export function tooManyRequests(limited: RateLimited) {
  return {
    message: limited.message,
    extensions: { code: ErrorCode.TooManyRequests, retryAfterSeconds: limited.retryAfterSeconds },
  };
}

/** The 429 for a request refused before it reached GraphQL execution. */
export function sendTooManyRequests(res: ServerResponse, limited: RateLimited): void {
  res.statusCode = 429;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('retry-after', String(limited.retryAfterSeconds));
  res.end(JSON.stringify({ errors: [tooManyRequests(limited)] }));
}

function tooManyRequestsError(limited: RateLimited): GraphQLError {
  const { message, extensions } = tooManyRequests(limited);
  return new GraphQLError(message, {
    extensions: {
      ...extensions,
      http: {
        status: 429,
        headers: new HeaderMap([['retry-after', String(limited.retryAfterSeconds)]]),
      },
    },
  });
}

/** How many root fields of the operation are sensitive mutations (aliases each count). */
export function countSensitiveFields(
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
): number {
  if (operation.operation !== 'mutation') return 0;
  const seen = new Set<string>();
  const count = (selectionSet: SelectionSetNode): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (SENSITIVE_MUTATIONS.has(selection.name.value)) total++;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += count(selection.selectionSet);
      } else {
        // A fragment spread twice at the root runs its fields once (fields merge by alias).
        const name = selection.name.value;
        const fragment = fragments[name];
        if (fragment && !seen.has(name)) {
          seen.add(name);
          total += count(fragment.selectionSet);
        }
      }
    }
    return total;
  };
  return count(operation.selectionSet);
}

/** Refuses an operation whose sensitive mutations overflow the caller's buckets (before planning). */
export function sensitiveMutationLimits<C extends { identity: RequestIdentity }>(
  limiter: RateLimiter,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (!operation) return;
          const fragments = Object.fromEntries(
            document.definitions
              .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
              .map((d) => [d.name.value, d]),
          );
          const weight = countSensitiveFields(operation, fragments);
          if (weight === 0) return;
          try {
            await limiter.admitSensitive(contextValue.identity, weight);
          } catch (error) {
            if (error instanceof RateLimited) throw tooManyRequestsError(error);
            throw error;
          }
        },
      };
    },
  };
}
