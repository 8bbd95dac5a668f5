import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '@jobber/service-kit';

/**
 * The subgraph fetches of one request that failed, counted by subgraph and cause (an errno
 * code, `TimeoutError`, or `HTTP 503`): logged as one line when the request ends, however many
 * fetches an alias storm made fail.
 */
export class SubgraphFailures {
  private readonly counts = new Map<string, Map<string, number>>();

  record(subgraph: string, cause: string): void {
    const bySubgraph = this.counts.get(subgraph) ?? new Map<string, number>();
    bySubgraph.set(cause, (bySubgraph.get(cause) ?? 0) + 1);
    this.counts.set(subgraph, bySubgraph);
  }

  get total(): number {
    let total = 0;
    for (const causes of this.counts.values()) for (const n of causes.values()) total += n;
    return total;
  }

  /** `{ users: { ECONNRESET: 250, TimeoutError: 6 } }` */
  summary(): Record<string, Record<string, number>> {
    return Object.fromEntries(
      [...this.counts].map(([subgraph, causes]) => [subgraph, Object.fromEntries(causes)]),
    );
  }
}

/** What made a fetch fail, for the summary: the innermost errno code or error name. */
export function failureCause(error: unknown, status?: number): string {
  if (status !== undefined && status >= 400) return `HTTP ${status}`;
  let found = 'unknown';
  for (let cause = error, depth = 0; cause && typeof cause === 'object' && depth < 5; depth++) {
    const { name, code } = cause as { name?: unknown; code?: unknown };
    if (typeof code === 'string') return code;
    if (typeof name === 'string' && name !== 'Error') found = name;
    cause = (cause as { cause?: unknown }).cause;
  }
  return found;
}

/** Logs a request's subgraph failures once, summarised, when its response is sent. */
export function subgraphFailureLogging<
  C extends { identity: { requestId: string }; subgraphFailures?: SubgraphFailures },
>(logger: Logger): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operationName }) {
          const failures = contextValue.subgraphFailures;
          if (!failures || failures.total === 0) return;
          logger.warn(
            {
              requestId: contextValue.identity.requestId,
              operationName,
              failedFetches: failures.total,
              subgraphFailures: failures.summary(),
            },
            'subgraph unavailable',
          );
        },
      };
    },
  };
}
