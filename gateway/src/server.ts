import { readFileSync } from 'node:fs';
import type { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import {
  createInternalCredentialSigner,
  createMetrics,
  errorLogging,
  executeGraphQLOverHttp,
  maskError,
  startHttpService,
  type Logger,
  type RunningServer,
} from '@jobber/service-kit';
import type { EventTransport } from '@jobber/events';
import type { SubgraphName } from '@jobber/supergraph';
import { createAccessTokenVerifier } from './access-tokens.js';
import { disableApolloTelemetryUnlessOptedIn, type GatewayConfig } from './config.js';
import { handleCors } from './cors.js';
import { operationChoice, withOperationLimits } from './limits.js';
import { identifyCaller } from './client-identity.js';
import { openRateLimitStore } from './rate-limit-store.js';
import {
  RateLimited,
  createRateLimiter,
  sendTooManyRequests,
  sensitiveMutationLimits,
} from './rate-limits.js';
import { gatewayReadiness } from './readiness.js';
import { RevokedSessions, followRevocations } from './revoked-sessions.js';
import { SubgraphDataSource, type GatewayContext } from './subgraph-data-source.js';
import { SubgraphFailures, subgraphFailureLogging } from './subgraph-failures.js';
import { ReportingGateway } from './value-completion.js';

export function createGateway(
  config: GatewayConfig,
  logger: Logger,
  signer = createInternalCredentialSigner({ privateKeyPem: config.internalPrivateKeyPem }),
  /** Every data source built, so that the caller can close their connection pools. */
  sources: SubgraphDataSource[] = [],
): ApolloGateway {
  disableApolloTelemetryUnlessOptedIn();
  return new ReportingGateway({
    supergraphSdl: readFileSync(config.supergraphPath, 'utf8'),
    logger,
    buildService: ({ name, url }) => {
      const source = new SubgraphDataSource(
        name,
        config.subgraphUrls[name as SubgraphName] ?? url ?? '',
        { signer, logger, fetch: config.subgraphFetch },
      );
      sources.push(source);
      return source;
    },
  });
}

/** What `startGateway` accepts besides its configuration (tests and embedded mode use it). */
export interface GatewayOptions {
  /** An event transport to share (embedded mode): revocations are followed on it, whatever
   * AMQP_URL says. */
  transport?: EventTransport;
}

/** The only public entry point: HTTP /graphql through the query planner, plus health and metrics. */
export async function startGateway(
  config: GatewayConfig,
  logger: Logger,
  options: GatewayOptions = {},
): Promise<RunningServer> {
  const metrics = createMetrics('gateway');
  const accessTokens = createAccessTokenVerifier(config.accessTokens);
  const signer = createInternalCredentialSigner({ privateKeyPem: config.internalPrivateKeyPem });
  const sources: SubgraphDataSource[] = [];
  const gateway = createGateway(config, logger, signer, sources);
  const readiness = gatewayReadiness(config, gateway, signer);
  const rateLimitStore = await openRateLimitStore(config.rateLimits.redisUrl, logger);
  const rateLimiter = createRateLimiter(config.rateLimits, rateLimitStore, logger);
  const revoked = new RevokedSessions({
    onEvict: (count) => logger.warn({ count }, 'revoked sessions: set full; oldest dropped'),
  });
  const events = options.transport ?? config.events;
  if (!events && !config.development && config.nodeEnv !== 'test')
    logger.warn('AMQP_URL is not set: access tokens of revoked sessions work until they expire');
  const revocations = events ? await followRevocations(revoked, events, logger) : null;
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    csrfPrevention: true,
    // Shutdown is ours (stopOnSignals): Apollo's own handler would re-raise the signal.
    stopOnTerminationSignals: false,
    introspection: config.development,
    // No "Did you mean …" outside development: they spell out the schema to a stranger.
    hideSchemaDetailsFromClientErrors: !config.development,
    parseOptions: { maxTokens: config.limits.tokens },
    includeStacktraceInErrorResponses: false,
    plugins: [
      operationChoice<GatewayContext>(),
      metrics.plugin,
      errorLogging<GatewayContext>(({ identity }) =>
        logger.child({ requestId: identity.requestId }),
      ),
      subgraphFailureLogging<GatewayContext>(logger),
      sensitiveMutationLimits<GatewayContext>(rateLimiter),
      config.development
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true })
        : ApolloServerPluginLandingPageDisabled(),
    ],
    formatError: maskError,
  });
  await apollo.start();
  const limited = withOperationLimits(apollo, config.limits, () => gateway.schema);

  return startHttpService({
    name: 'gateway',
    host: config.host,
    port: config.port,
    admin: config.admin,
    logger,
    metrics,
    readiness,
    intercept: (req, res) => handleCors(req, res, config.corsOrigins),
    async graphql(req, res) {
      const identity = await identifyCaller(req, accessTokens, config.trustProxy, revoked);
      // Quoted in a support request, it finds the request in every service's logs.
      res.setHeader('x-request-id', identity.requestId);
      try {
        await rateLimiter.admitRequest(identity);
      } catch (error) {
        if (error instanceof RateLimited) return sendTooManyRequests(res, error);
        throw error;
      }
      await executeGraphQLOverHttp(limited, req, res, async () => ({
        identity,
        subgraphFailures: new SubgraphFailures(),
      }));
    },
    onStop: async () => {
      await apollo.stop();
      await Promise.all(sources.map((source) => source.close()));
      await rateLimitStore.close();
      await revocations?.close();
    },
  });
}
