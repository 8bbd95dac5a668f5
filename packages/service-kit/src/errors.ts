import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { isDatabaseUnavailable } from './unavailable.js';

/** The only codes a client ever sees (shared/DESIGN.md §6). */
export const ErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  TooManyRequests: 'TOO_MANY_REQUESTS',
  /** Overload or a dependency down: retry the same request shortly (`extensions.retryable`). */
  Unavailable: 'UNAVAILABLE',
  InternalServerError: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * An error meant for the client, thrown by domain code (which knows nothing of GraphQL).
 * `maskError` turns it into a GraphQL error with a stable `extensions.code`.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const errors = {
  badUserInput(message: string, fields: FieldProblem[] = []) {
    const first = fields[0];
    return new AppError(ErrorCode.BadUserInput, message, {
      ...(first ? { field: first.field } : {}),
      ...(fields.length ? { fields } : {}),
    });
  },
  unauthenticated(message = 'You must be signed in.') {
    return new AppError(ErrorCode.Unauthenticated, message);
  },
  forbidden(message = 'You are not allowed to do this.') {
    return new AppError(ErrorCode.Forbidden, message);
  },
  notFound(what: string) {
    return new AppError(ErrorCode.NotFound, `${what} not found.`);
  },
  conflict(message: string, field?: string) {
    return new AppError(ErrorCode.Conflict, message, field ? { field } : {});
  },
  tooManyRequests(message: string, retryAfterSeconds: number) {
    return new AppError(ErrorCode.TooManyRequests, message, { retryAfterSeconds });
  },
  unavailable(message = UNAVAILABLE_MESSAGE, extensions: Record<string, unknown> = {}) {
    return new AppError(ErrorCode.Unavailable, message, { retryable: true, ...extensions });
  },
};

const UNAVAILABLE_MESSAGE = 'The service is busy right now; please try again shortly.';

// INTERNAL_SERVER_ERROR is not among them: its message is always replaced (it may name hosts).
const publicCodes = new Set<string>(
  Object.values(ErrorCode).filter((code) => code !== ErrorCode.InternalServerError),
);
/** Codes Apollo Server itself produces for malformed operations; safe to show as they are. */
const apolloRequestCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** True for what a client may see as it is: an AppError, or an error with a known public code. */
export function isPublicError(code: unknown, original: unknown): boolean {
  if (unwrapResolverError(original) instanceof AppError) return true;
  return typeof code === 'string' && (publicCodes.has(code) || apolloRequestCodes.has(code));
}

/** The code a client will see for this error (for metrics; the same decision as the masker). */
export function clientErrorCode(code: unknown, original: unknown): string {
  const cause = unwrapResolverError(original);
  if (cause instanceof AppError) return cause.code;
  if (isDatabaseUnavailable(cause)) return ErrorCode.Unavailable;
  if (isPublicError(code, original) && typeof code === 'string') return code;
  return ErrorCode.InternalServerError;
}

/**
 * Apollo `formatError`: AppErrors become their code and message; a request that found no
 * database capacity (pool timeout, unreachable database) becomes a retryable `UNAVAILABLE`
 * naming the subgraph; GraphQL errors with a known code pass through (without stack traces);
 * anything else becomes an internal error whose details stay in the logs (see `errorLogging`).
 */
export function createErrorMasker(options: { subgraph?: string } = {}) {
  const where = options.subgraph ? { subgraph: options.subgraph } : {};
  return function maskError(
    formatted: GraphQLFormattedError,
    original: unknown,
  ): GraphQLFormattedError {
    const position = {
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
    };
    const cause = unwrapResolverError(original);
    if (cause instanceof AppError) {
      const extensions =
        cause.code === ErrorCode.Unavailable ? { ...where, ...cause.extensions } : cause.extensions;
      return {
        message: cause.message,
        ...position,
        extensions: { ...extensions, code: cause.code },
      };
    }
    if (isDatabaseUnavailable(cause)) {
      return {
        message: UNAVAILABLE_MESSAGE,
        ...position,
        extensions: { code: ErrorCode.Unavailable, retryable: true, ...where },
      };
    }
    if (isPublicError(formatted.extensions?.['code'], original)) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    return {
      message: 'Internal server error',
      ...position,
      extensions: { code: ErrorCode.InternalServerError },
    };
  };
}

/** The masker for a process that is not a subgraph (the gateway). */
export const maskError = createErrorMasker();
