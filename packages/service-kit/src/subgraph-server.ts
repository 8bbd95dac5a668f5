import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { DocumentNode } from 'graphql';
import type { Logger } from './logger.js';
import { maskError } from './errors.js';
import {
  executeGraphQLOverHttp,
  HttpError,
  sendJson,
  serveOperationalRoutes,
  type ReadinessCheck,
} from './http.js';
import type { RequestIdentity } from './identity.js';
import {
  INTERNAL_CREDENTIAL_HEADER,
  createInternalCredentialVerifier,
} from './internal-credential.js';
import { createMetrics } from './metrics.js';

export interface SubgraphServerOptions<C extends BaseContext> {
  /** The subgraph's name: the audience its internal credentials must carry. */
  name: string;
  typeDefs: DocumentNode;
  /** Resolvers typed by the subgraph's generated `Resolvers` type. */
  resolvers: object;
  host: string;
  port: number;
  /** The gateway's public key; requests without a credential it signed get 401. */
  internalPublicKeyPem: string;
  logger: Logger;
  /** Builds the per-request context (fresh DataLoaders live here). */
  context: (identity: RequestIdentity, logger: Logger) => C;
  readiness?: ReadinessCheck[];
  /** Introspection on the subgraph itself (the gateway never needs it: it serves a static supergraph). */
  introspection?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting requests, finishes those in flight (up to `graceMs`), then closes. */
  stop(graceMs?: number): Promise<void>;
}

/** A started subgraph service: its server plus the event consumers (queue names) it runs. */
export interface RunningService extends RunningServer {
  consumers: readonly string[];
}

export async function startSubgraphServer<C extends BaseContext>(
  options: SubgraphServerOptions<C>,
): Promise<RunningServer> {
  const { logger } = options;
  const metrics = createMetrics(options.name);
  const verifier = createInternalCredentialVerifier({
    publicKeyPem: options.internalPublicKeyPem,
    audience: options.name,
  });
  const apollo = new ApolloServer<C>({
    schema: buildSubgraphSchema({
      typeDefs: options.typeDefs,
      resolvers: options.resolvers as GraphQLResolverMap<unknown>,
    }),
    introspection: options.introspection ?? false,
    csrfPrevention: true,
    // Shutdown is ours (stopOnSignals): Apollo's own handler would re-raise the signal.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    // No Apollo Studio here: no inline (ftv1) traces for the gateway to forward.
    plugins: [
      metrics.plugin,
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
    ],
    formatError: (formatted, original) =>
      maskError(
        formatted,
        (masked, error) => logger.error({ err: error, path: masked.path }, 'resolver failed'),
        original,
      ),
  });
  await apollo.start();

  let shuttingDown = false;
  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      try {
        if (
          await serveOperationalRoutes(req, res, {
            metrics,
            readiness: options.readiness ?? [],
            isShuttingDown: () => shuttingDown,
          })
        ) {
          return;
        }
        if (path !== '/graphql') {
          sendJson(res, 404, { error: 'not found' });
          return;
        }
        const header = req.headers[INTERNAL_CREDENTIAL_HEADER];
        const identity = await verifier.verify(typeof header === 'string' ? header : undefined);
        if (!identity) {
          sendJson(res, 401, { error: 'a valid gateway credential is required' });
          return;
        }
        const requestId = identity.requestId || randomUUID();
        const requestLogger = logger.child({ requestId });
        await executeGraphQLOverHttp(apollo, req, res, async () =>
          options.context({ ...identity, requestId }, requestLogger),
        );
      } catch (error) {
        if (error instanceof HttpError) sendJson(res, error.status, { error: error.message });
        else {
          logger.error({ err: error }, 'request failed');
          if (!res.headersSent) sendJson(res, 500, { error: 'internal server error' });
          else res.end();
        }
      } finally {
        metrics.httpRequests.inc({
          route: path === '/graphql' ? path : 'other',
          status: String(res.statusCode),
        });
      }
    })();
  });

  await listen(server, options.port, options.host);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host}:${port}/graphql`;
  logger.info({ url }, `${options.name} subgraph listening`);

  return {
    url,
    port,
    async stop(graceMs = 10_000) {
      shuttingDown = true;
      await closeServer(server, graceMs);
      await apollo.stop();
    },
  };
}

export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops accepting connections, lets requests in flight finish, and cuts what is left after `graceMs`. */
export async function closeServer(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  timer.unref();
  await closed;
  clearTimeout(timer);
}
