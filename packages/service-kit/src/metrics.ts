import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApolloServerPlugin } from '@apollo/server';
import { clientErrorCode } from './errors.js';

/** One registry per server, so several services can share a process (tests, embedded mode). */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route and status code',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  const operationSeconds = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operation duration by operation type and outcome',
    labelNames: ['type', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const graphqlErrors = new Counter({
    name: 'graphql_errors_total',
    help: 'GraphQL errors returned, by code',
    labelNames: ['code'] as const,
    registers: [registry],
  });

  const plugin: ApolloServerPlugin = {
    async requestDidStart() {
      const end = operationSeconds.startTimer();
      return {
        async willSendResponse(requestContext) {
          const errors = requestContext.errors ?? [];
          for (const error of errors) {
            graphqlErrors.inc({ code: clientErrorCode(error.extensions?.['code'], error) });
          }
          end({
            type: requestContext.operation?.operation ?? 'unknown',
            outcome: errors.length ? 'error' : 'ok',
          });
        },
      };
    },
  };

  return { registry, httpRequests, plugin };
}
export type Metrics = ReturnType<typeof createMetrics>;
