import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import {
  INTERNAL_CREDENTIAL_HEADER,
  createInternalCredentialSigner,
  createMetrics,
  errorLogging,
  executeGraphQLOverHttp,
  maskError,
  startHttpService,
  type Logger,
  type RunningServer,
} from '@jobber/service-kit';
import type { SubgraphName } from '@jobber/supergraph';
import { createAccessTokenVerifier } from './access-tokens.js';
import { disableApolloTelemetryUnlessOptedIn, type GatewayConfig } from './config.js';
import { handleCors } from './cors.js';
import { MAX_QUERY_DEPTH, depthLimit } from './limits.js';
import { identifyCaller } from './client-identity.js';
import { SubgraphDataSource, type GatewayContext } from './subgraph-data-source.js';

export function createGateway(
  config: GatewayConfig,
  logger: Logger,
  signer = createInternalCredentialSigner({ privateKeyPem: config.internalPrivateKeyPem }),
): ApolloGateway {
  disableApolloTelemetryUnlessOptedIn();
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
  const signer = createInternalCredentialSigner({ privateKeyPem: config.internalPrivateKeyPem });
  const apollo = new ApolloServer<GatewayContext>({
    gateway: createGateway(config, logger, signer),
    csrfPrevention: true,
    // Shutdown is ours (stopOnSignals): Apollo's own handler would re-raise the signal.
    stopOnTerminationSignals: false,
    introspection: config.development,
    validationRules: [depthLimit(MAX_QUERY_DEPTH)],
    includeStacktraceInErrorResponses: false,
    plugins: [
      metrics.plugin,
      errorLogging<GatewayContext>(({ identity }) =>
        logger.child({ requestId: identity.requestId }),
      ),
      config.development
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true })
        : ApolloServerPluginLandingPageDisabled(),
    ],
    formatError: maskError,
  });
  await apollo.start();

  // Ready when every subgraph answers a trivial operation with this gateway's credential (their
  // admin ports are private to their hosts, so the public endpoint is what the gateway can see).
  const anonymous = {
    viewer: null,
    client: { ip: null, userAgent: null, deviceId: null },
    requestId: '',
  };
  const readiness = Object.entries(config.subgraphUrls).map(([name, url]) => ({
    name,
    check: async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [INTERNAL_CREDENTIAL_HEADER]: await signer.sign(name, anonymous),
        },
        body: JSON.stringify({ query: '{ __typename }' }),
        signal: AbortSignal.timeout(2_000),
      });
      if (!response.ok) throw new Error(`answered ${response.status}`);
    },
  }));
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
      const identity = await identifyCaller(req, accessTokens, config.trustProxy);
      // Quoted in a support request, it finds the request in every service's logs.
      res.setHeader('x-request-id', identity.requestId);
      await executeGraphQLOverHttp(apollo, req, res, async () => ({ identity }));
    },
    onStop: () => apollo.stop(),
  });
}
