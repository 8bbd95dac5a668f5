import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import {
  ErrorCode,
  HttpError,
  closeServer,
  createInternalCredentialSigner,
  createMetrics,
  executeGraphQLOverHttp,
  listen,
  maskError,
  sendJson,
  serveOperationalRoutes,
  type Logger,
  type RunningServer,
} from '@jobber/service-kit';
import type { SubgraphName } from '@jobber/supergraph';
import { createAccessTokenVerifier } from './access-tokens.js';
import { disableApolloTelemetryUnlessOptedIn, type GatewayConfig } from './config.js';
import { handleCors } from './cors.js';
import { InvalidAccessTokenError, identifyCaller } from './client-identity.js';
import { SubgraphDataSource, type GatewayContext } from './subgraph-data-source.js';

export function createGateway(config: GatewayConfig, logger: Logger): ApolloGateway {
  disableApolloTelemetryUnlessOptedIn();
  const signer = createInternalCredentialSigner({ privateKeyPem: config.internalPrivateKeyPem });
  return new ApolloGateway({
    supergraphSdl: readFileSync(config.supergraphPath, 'utf8'),
    logger,
    buildService: ({ name, url }) =>
      new SubgraphDataSource(name, config.subgraphUrls[name as SubgraphName] ?? url ?? '', signer),
  });
}

/** The only public entry point: HTTP /graphql through the query planner, plus health and metrics. */
export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningServer> {
  const metrics = createMetrics('gateway');
  const accessTokens = createAccessTokenVerifier(config.accessTokens);
  const apollo = new ApolloServer<GatewayContext>({
    gateway: createGateway(config, logger),
    csrfPrevention: true,
    // Shutdown is ours (stopOnSignals): Apollo's own handler would re-raise the signal.
    stopOnTerminationSignals: false,
    introspection: config.development,
    includeStacktraceInErrorResponses: false,
    plugins: [
      metrics.plugin,
      config.development
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true })
        : ApolloServerPluginLandingPageDisabled(),
    ],
    formatError: (formatted, original) =>
      maskError(
        formatted,
        (masked, error) => logger.error({ err: error, path: masked.path }, 'operation failed'),
        original,
      ),
  });
  await apollo.start();

  // Ready when every subgraph answers its liveness probe.
  const readiness = Object.entries(config.subgraphUrls).map(([name, url]) => ({
    name,
    check: async () => {
      const response = await fetch(url.replace(/\/graphql$/, '/healthz'), {
        signal: AbortSignal.timeout(2_000),
      });
      if (!response.ok) throw new Error(`healthz answered ${response.status}`);
    },
  }));
  let shuttingDown = false;
  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      try {
        if (handleCors(req, res, config.corsOrigins)) return;
        if (
          await serveOperationalRoutes(req, res, {
            metrics,
            readiness,
            isShuttingDown: () => shuttingDown,
          })
        )
          return;
        if (path !== '/graphql') {
          sendJson(res, 404, { error: 'not found' });
          return;
        }
        const identity = await identifyCaller(req, accessTokens, config.trustProxy);
        await executeGraphQLOverHttp(apollo, req, res, async () => ({ identity }));
      } catch (error) {
        if (error instanceof InvalidAccessTokenError) {
          res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
          sendJson(res, 401, {
            errors: [{ message: error.message, extensions: { code: ErrorCode.Unauthenticated } }],
          });
        } else if (error instanceof HttpError) {
          sendJson(res, error.status, {
            errors: [{ message: error.message, extensions: { code: 'BAD_REQUEST' } }],
          });
        } else {
          logger.error({ err: error }, 'request failed');
          if (!res.headersSent)
            sendJson(res, 500, {
              errors: [
                {
                  message: 'Internal server error',
                  extensions: { code: ErrorCode.InternalServerError },
                },
              ],
            });
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

  await listen(server, config.port, config.host);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host}:${port}/graphql`;
  logger.info({ url }, 'gateway listening');
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
