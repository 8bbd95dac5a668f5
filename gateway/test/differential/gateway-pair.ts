import { generateKeyPairSync } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import type { RunningServer } from '@jobber/service-kit';
import { parseGatewayConfig } from '../../src/config.js';
import { startGateway } from '../../src/server.js';
import type { SyntheticSubgraph } from './synthetic-subgraphs.js';

export type Executor = 'jobber' | 'apollo';

/** A GraphQL response as a client reads it. */
export interface Response {
  data?: unknown;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: unknown } }[];
}

export interface RunningGateway {
  executor: Executor;
  post: (query: string, variables: Record<string, unknown>) => Promise<Response>;
  /**
   * A subscription over graphql-ws, every event until it completes, as one response: `data` the
   * events' data in order, `errors` every event's errors with the event's index first in their
   * path (the stream's own errors, a refusal or a broken socket, at index -1).
   */
  subscribe: (query: string, variables: Record<string, unknown>) => Promise<Response>;
  stop: () => Promise<void>;
}

/**
 * A production-like gateway (NODE_ENV=production, the real HTTP layer, limits and signer) on
 * the synthetic subgraphs. Rate limits are off and the operation limits raised (the same for
 * every executor): the corpus is thousands of operations from one address.
 */
export async function startGatewayOn(
  executor: Executor,
  subgraphs: readonly SyntheticSubgraph[],
): Promise<RunningGateway> {
  const config = parseGatewayConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'fatal',
    PORT: '0',
    ADMIN_PORT: '0',
    AUTH_JWT_PUBLIC_KEY: pem('spki'),
    GATEWAY_INTERNAL_PRIVATE_KEY: pem('pkcs8'),
    GATEWAY_EXECUTOR: executor,
    ...Object.fromEntries(subgraphs.map(({ name, url }) => [`${name.toUpperCase()}_URL`, url])),
    RATE_LIMIT_OPERATIONS_PER_IP: '0',
    RATE_LIMIT_OPERATIONS_PER_ACCOUNT: '0',
    RATE_LIMIT_SENSITIVE_PER_IP: '0',
    RATE_LIMIT_SENSITIVE_PER_ACCOUNT: '0',
    RATE_LIMIT_COST_PER_IP: '0',
    RATE_LIMIT_COST_PER_ACCOUNT: '0',
    MAX_QUERY_COST: '1000000',
    MAX_QUERY_ALIASES: '200',
    MAX_QUERY_DIRECTIVES: '200',
    MAX_FRAGMENT_SPREADS: '200',
    MAX_REPEATED_FIELDS: '200',
  });
  const server: RunningServer = await startGateway(config, pino({ level: 'fatal' }));
  const sockets = createClient({
    url: server.url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
  return {
    executor,
    subscribe: (query, variables) => subscribeOnce(sockets, query, variables),
    async post(query, variables) {
      // One retry of a transport failure (a keep-alive socket closed as it was reused); a
      // second one is reported as the response, so it shows up as a difference.
      for (let attempt = 1; ; attempt++) {
        try {
          return await postOnce(server.url, query, variables);
        } catch (error) {
          if (attempt >= 2)
            return { errors: [{ message: `transport: ${String(error)}`, extensions: {} }] };
        }
      }
    },
    stop: async () => {
      await sockets.dispose();
      await server.stop(1_000);
    },
  };
}

async function subscribeOnce(
  sockets: Client,
  query: string,
  variables: Record<string, unknown>,
): Promise<Response> {
  const events: Response[] = [];
  const ended = await new Promise<Response['errors']>((resolve) => {
    const timer = setTimeout(() => {
      stop();
      resolve([{ message: 'timeout: the subscription did not complete' }]);
    }, 10_000);
    const stop = sockets.subscribe<unknown>(
      { query, variables },
      {
        next: (event) => events.push(event as Response),
        error: (error) => {
          clearTimeout(timer);
          resolve(
            Array.isArray(error)
              ? (error as Response['errors'])
              : [{ message: `transport: ${String(error)}` }],
          );
        },
        complete: () => {
          clearTimeout(timer);
          resolve([]);
        },
      },
    );
  });
  const at = (index: number, errors: Response['errors']) =>
    (errors ?? []).map((error) => ({ ...error, path: [index, ...(error.path ?? [])] }));
  return {
    data: events.map((event) => event.data ?? null),
    errors: [...events.flatMap((event, index) => at(index, event.errors)), ...at(-1, ended)],
  };
}

function pem(type: 'pkcs8' | 'spki'): string {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return (type === 'pkcs8' ? privateKey : publicKey).export({ type, format: 'pem' }).toString();
}

async function postOnce(
  url: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<Response> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  try {
    return JSON.parse(text) as Response;
  } catch {
    return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 200)}` }] };
  }
}
