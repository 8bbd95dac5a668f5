import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';

/** The only codes a client ever sees (shared/DESIGN.md §6). */
export const ErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  TooManyRequests: 'TOO_MANY_REQUESTS',
  /** Retryable: overload, or a service that cannot be reached. */
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
  unavailable(message: string, extensions: Record<string, unknown> = {}) {
    return new AppError(ErrorCode.Unavailable, message, extensions);
  },
};

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

/**
 * Apollo `formatError`: AppErrors become their code and message; GraphQL errors with a known
 * code pass through (without stack traces); anything else becomes an internal error whose
 * details stay in the logs (see `errorLogging`).
 */
export function maskError(
  formatted: GraphQLFormattedError,
  original: unknown,
): GraphQLFormattedError {
  const cause = unwrapResolverError(original);
  if (cause instanceof AppError) {
    return {
      message: cause.message,
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { ...cause.extensions, code: cause.code },
    };
  }
  if (isPublicError(formatted.extensions?.['code'], original)) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return {
    message: 'Internal server error',
    ...(formatted.path ? { path: formatted.path } : {}),
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    extensions: { code: ErrorCode.InternalServerError },
  };
}
