import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { isPublicError } from './errors.js';
import { isDatabaseUnavailable } from './unavailable.js';
import type { Logger } from './logger.js';

/**
 * Logs every error a client will only see as "Internal server error", with the logger of the
 * request it happened in (so its request id), the path and the original error.
 */
export function errorLogging<C extends BaseContext>(
  loggerOf: (context: C) => Logger,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors, operationName }) {
          for (const error of errors) {
            if (isDatabaseUnavailable(unwrapResolverError(error))) {
              // Expected under overload; the client was told to retry. Counted in metrics.
              loggerOf(contextValue).warn(
                { err: unwrapResolverError(error), path: error.path, operationName },
                'no database capacity: answered UNAVAILABLE',
              );
              continue;
            }
            if (isPublicError(error.extensions?.['code'], error)) continue;
            loggerOf(contextValue).error(
              { err: unwrapResolverError(error), path: error.path, operationName },
              'operation failed',
            );
          }
        },
      };
    },
  };
}
