import { readFileSync } from 'node:fs';
import type { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
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
import { withOperationLimits } from './limits.js';
import { createPlayground } from './playground.js';
import { identifyCaller } from './client-identity.js';
import { openRateLimitStore } from './rate-limit-store.js';
import {
  RateLimited,
  createRateLimiter,
  sendTooManyRequests,
  sensitiveMutationLimits,
} from './rate-limits.js';
import { gatewayReadiness } from './readiness.js';
import { revokedSessionsFromAuth } from './revocation-catch-up.js';
import { RevocationFeed } from './revocation-feed.js';
import { RevokedSessions } from './revoked-sessions.js';
import { SubgraphDataSource, sourcesByName, type GatewayContext } from './subgraph-data-source.js';
import { SubgraphFailures, subgraphFailureLogging } from './subgraph-failures.js';
import { createGatewaySubscriptions } from './subscription-server.js';
import { SubscriptionPlanner } from './subscription-plans.js';
import { UpstreamSubscriptions } from './upstream-subscriptions.js';
import { ReportingGateway } from './value-completion.js';
import { ReusableCredentials } from './executor/credential-reuse.js';
import { JobberGateway } from './executor/jobber-gateway.js';

export function createGateway(
  config: GatewayConfig,
  logger: Logger,
  signer = createInternalCredentialSigner({ privateKeyPem: config.internalPrivateKeyPem }),
  /** Every data source built, so that the caller can close their connection pools. */
  sources: SubgraphDataSource[] = [],
  credentials = new ReusableCredentials(signer, config.credentialReuseMs),
): ApolloGateway {
  disableApolloTelemetryUnlessOptedIn();
  const gatewayConfig = {
    supergraphSdl: readFileSync(config.supergraphPath, 'utf8'),
    logger,
    buildService: ({ name, url }: { name: string; url?: string }) => {
      const source = new SubgraphDataSource(
        name,
        config.subgraphUrls[name as SubgraphName] ?? url ?? '',
        { signer, logger, fetch: config.subgraphFetch },
      );
      sources.push(source);
      return source;
    },
  };
  // GATEWAY_EXECUTOR: our plan executor (the default) or stock Apollo execution (the fallback).
  return config.executor === 'apollo'
    ? new ReportingGateway(gatewayConfig)
    : new JobberGateway(gatewayConfig, {
        credentials,
        sources: sourcesByName(sources),
        fetchDedup: config.fetchDedup,
        fetchWaves: config.fetchWaves,
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
  const credentials = new ReusableCredentials(signer, config.credentialReuseMs);
  const gateway = createGateway(config, logger, signer, sources, credentials);
  const rateLimitStore = await openRateLimitStore(config.rateLimits.redisUrl, logger);
  const rateLimiter = createRateLimiter(config.rateLimits, rateLimitStore, logger);
  const revoked = new RevokedSessions({
    onEvict: (count) => logger.warn({ count }, 'revoked sessions: set full; oldest dropped'),
  });
  const events = options.transport ?? config.events;
  if (!events && !config.development && config.nodeEnv !== 'test')
    logger.warn('AMQP_URL is not set: access tokens of revoked sessions work until they expire');
  // Needs neither the broker nor auth to start: it keeps trying, and /readyz shows it (degraded).
  const revocations = events
    ? new RevocationFeed({
        revoked,
        events,
        // Through auth's own bounded pool, built when the supergraph loads (apollo.start below).
        catchUp: revokedSessionsFromAuth(config.subgraphUrls.auth, signer, (url, init) => {
          const auth = sources.find((source) => source.subgraphName === 'auth');
          if (!auth) return Promise.reject(new Error('the supergraph is not loaded yet'));
          return auth.fetcher(url, init);
        }),
        logger,
      })
    : null;
  const readiness = [
    ...gatewayReadiness(config, gateway, signer),
    ...(revocations ? [revocations.readiness()] : []),
  ];
  const playground = config.playground ? createPlayground() : null;
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    csrfPrevention: true,
    // Shutdown is ours (stopOnSignals): Apollo's own handler would re-raise the signal.
    stopOnTerminationSignals: false,
    // The playground's docs and completion need the schema.
    introspection: config.development || config.playground,
    // No "Did you mean …" outside development: they spell out the schema to a stranger.
    hideSchemaDetailsFromClientErrors: !config.development,
    parseOptions: { maxTokens: config.limits.tokens },
    // No automatic persisted queries: a request carrying only a hash has no text for the
    // operation limits (src/limits.ts) to measure, and could pick another operation or larger
    // variables than the text it registered was measured with.
    persistedQueries: false,
    includeStacktraceInErrorResponses: false,
    plugins: [
      metrics.plugin,
      errorLogging<GatewayContext>(({ identity }) =>
        logger.child({ requestId: identity.requestId }),
      ),
      subgraphFailureLogging<GatewayContext>(logger),
      sensitiveMutationLimits<GatewayContext>(rateLimiter),
      // Apollo's landing pages load from a CDN: the playground (GraphiQL) is served instead.
      ApolloServerPluginLandingPageDisabled(),
    ],
    formatError: maskError,
  });
  // Subscriptions: planned on the same supergraph, over graphql-ws on the same /graphql.
  let planner: SubscriptionPlanner | undefined;
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    planner = new SubscriptionPlanner(coreSupergraphSdl);
  });
  const upstream = new UpstreamSubscriptions({
    urlOf: (name) => sources.find((source) => source.subgraphName === name)?.url,
    signer: createInternalCredentialSigner({
      privateKeyPem: config.internalPrivateKeyPem,
      ttlSeconds: config.subscriptions.upstreamCredentialSeconds,
    }),
    settings: config.subscriptions.upstream,
    logger,
  });
  const subscriptions = createGatewaySubscriptions({
    planner: () => planner,
    sources: sourcesByName(sources),
    executor:
      config.executor === 'apollo'
        ? { kind: 'apollo' }
        : {
            kind: 'jobber',
            credentials,
            fetchDedup: config.fetchDedup,
            fetchWaves: config.fetchWaves,
          },
    upstream,
    accessTokens,
    revoked,
    trustProxy: config.trustProxy,
    limits: config.limits,
    settings: config.subscriptions,
    logger,
  });
  await apollo.start();
  await revocations?.start();
  const limited = withOperationLimits(
    apollo,
    config.limits,
    () => gateway.schema,
    (cost, { identity }) => rateLimiter.admitCost(identity, cost),
  );

  return startHttpService({
    name: 'gateway',
    host: config.host,
    port: config.port,
    admin: config.admin,
    logger,
    metrics,
    readiness,
    intercept: (req, res) => handleCors(req, res, config.corsOrigins),
    routes: playground?.routes ?? [],
    async graphql(req, res) {
      if (playground?.answer(req, res)) return;
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
    upgrade: subscriptions.upgrade,
    onStopping: () => subscriptions.stop(),
    onStop: async () => {
      await upstream.close();
      await apollo.stop();
      await Promise.all(sources.map((source) => source.close()));
      await rateLimitStore.close();
      await revocations?.close();
    },
  });
}
