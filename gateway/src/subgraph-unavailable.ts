import { errors, type AppError } from '@jobber/service-kit';

/** Answers of a proxy or load balancer in front of a subgraph that has none to give. */
const unavailableStatuses = new Set([502, 503, 504]);

/** Socket-level failures: nothing listening, the connection cut or closed, no route, no name. */
const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // undici's: the other side closed the connection before or during its answer (a process
  // dying, a proxy dropping it), and its connect, headers and body deadlines.
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * True when a subgraph fetch failed because the subgraph could not be reached (refused, reset,
 * timed out) or its proxy answered 502/503/504: retrying later may succeed. A subgraph that
 * answered (even with a 500 or a malformed body) is not unreachable.
 */
export function isUnreachable(error: unknown, status?: number): boolean {
  if (status !== undefined && unavailableStatuses.has(status)) return true;
  for (let cause = error, depth = 0; cause && depth < 5; depth++) {
    if (typeof cause !== 'object') return false;
    const { name, code } = cause as { name?: unknown; code?: unknown };
    if (name === 'AbortError' || name === 'TimeoutError') return true;
    if (typeof code === 'string' && connectionCodes.has(code)) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

/** The client's error: retryable, naming the subgraph, nothing about hosts or sockets. */
export function subgraphUnavailable(subgraph: string): AppError {
  return errors.unavailable(
    `The ${subgraph} service is unavailable at the moment; try again shortly.`,
    { subgraph },
  );
}
