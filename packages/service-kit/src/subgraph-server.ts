import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { DocumentNode } from 'graphql';
import type { Logger } from './logger.js';
import { createErrorMasker } from './errors.js';
import { errorLogging } from './error-logging.js';
import type { AdminAddress } from './admin-server.js';
import { executeGraphQLOverHttp, HttpError } from './http.js';
import { startHttpService, type HttpRoute, type RunningServer } from './http-service.js';
import type { RequestContext, RequestIdentity } from './identity.js';
import {
  INTERNAL_CREDENTIAL_HEADER,
  createInternalCredentialVerifier,
} from './internal-credential.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { ReadinessCheck } from './readiness.js';
import { createSubscriptionServer } from './subscriptions.js';

/** A request id as the gateway makes or passes one on (client-identity.ts). */
const REQUEST_ID = /^[\w.-]{1,128}$/;

export interface SubgraphServerOptions<C extends RequestContext> {
  /** The subgraph's name: the audience its internal credentials must carry. */
  name: string;
  typeDefs: DocumentNode;
  /** Resolvers typed by the subgraph's generated `Resolvers` type. */
  resolvers: object;
  host: string;
  port: number;
  admin: AdminAddress;
  /** The gateway's public key; requests without a credential it signed get 401. */
  internalPublicKeyPem: string;
  logger: Logger;
  /** Builds the per-request context (fresh DataLoaders live here). */
  context: (identity: RequestIdentity, logger: Logger) => C;
  readiness?: readonly ReadinessCheck[];
  /** Extra routes beside /graphql (webhooks), not behind the internal credential. */
  routes?: readonly HttpRoute[];
  /** The registry /metrics serves (the service adds its event metrics to it); by default a new one. */
  metrics?: Metrics;
  /** Introspection on the subgraph itself (the gateway never needs it: it serves a static supergraph). */
  introspection?: boolean;
}

export async function startSubgraphServer<C extends RequestContext>(
  options: SubgraphServerOptions<C>,
): Promise<RunningServer> {
  const { logger } = options;
  const metrics = options.metrics ?? createMetrics(options.name);
  const verifier = createInternalCredentialVerifier({
    publicKeyPem: options.internalPublicKeyPem,
    audience: options.name,
  });
  const schema = buildSubgraphSchema({
    typeDefs: options.typeDefs,
    resolvers: options.resolvers as GraphQLResolverMap<unknown>,
  });
  const formatError = createErrorMasker({ subgraph: options.name });
  // Subscription fields are served over graphql-ws on the same /graphql.
  const subscriptions = schema.getSubscriptionType()
    ? createSubscriptionServer({ schema, verifier, logger, context: options.context, formatError })
    : undefined;
  const apollo = new ApolloServer<C>({
    schema,
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
      errorLogging<C>((context) => context.logger),
    ],
    formatError,
  });
  await apollo.start();

  return startHttpService({
    name: `${options.name} subgraph`,
    host: options.host,
    port: options.port,
    admin: options.admin,
    logger,
    metrics,
    readiness: options.readiness ?? [],
    routes: options.routes ?? [],
    async graphql(req, res) {
      const header = req.headers[INTERNAL_CREDENTIAL_HEADER];
      const identity = await verifier.verify(typeof header === 'string' ? header : undefined);
      if (!identity) throw new HttpError(401, 'A valid gateway credential is required.');
      // The gateway's request id: its header (a credential is reused across requests of one
      // caller, so the one it was signed with may be an earlier request's), else the credential's.
      const offered = req.headers['x-request-id'];
      const requestId =
        (typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : '') ||
        identity.requestId ||
        randomUUID();
      const requestLogger = logger.child({ requestId });
      await executeGraphQLOverHttp(apollo, req, res, async () =>
        options.context({ ...identity, requestId }, requestLogger),
      );
    },
    ...(subscriptions
      ? { upgrade: subscriptions.upgrade, onStopping: () => subscriptions.stop() }
      : {}),
    onStop: () => apollo.stop(),
  });
}
