/**
 * Failures that mean "no database capacity right now", not "this request is wrong": the client
 * may retry the same request shortly. Prisma's codes (https://www.prisma.io/docs/orm/reference/
 * error-reference): P2028 a transaction could not start (or ran out of time) waiting for a
 * connection, P2024 a pool timeout, P1001 / P1002 the database unreachable or timing out. With
 * the pg driver adapter a pool wait that runs out surfaces as pg-pool's own error, and an
 * unreachable database inside a raw query as a driver-adapter error of kind DatabaseNotReachable.
 */
const unavailableCodes = new Set(['P2028', 'P2024', 'P1001', 'P1002']);
const unavailableAdapterKinds = new Set(['DatabaseNotReachable', 'TooManyConnections']);
const POOL_TIMEOUT_MESSAGE = 'timeout exceeded when trying to connect';

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  const code = field(error, 'code');
  if (typeof code === 'string' && unavailableCodes.has(code)) return true;
  const kind = field(field(field(field(error, 'meta'), 'driverAdapterError'), 'cause'), 'kind');
  if (typeof kind === 'string' && unavailableAdapterKinds.has(kind)) return true;
  return error instanceof Error && error.message === POOL_TIMEOUT_MESSAGE;
}
