import { z } from 'zod';
import { ADMIN_PORT_OFFSET, envVar, parseEnv } from '@jobber/service-kit';
import {
  defaultSubgraphUrl,
  subgraphs,
  supergraphFile,
  type SubgraphName,
} from '@jobber/supergraph';
import { limitVariables, operationLimitsFrom } from './limits-config.js';

/**
 * `@apollo/gateway` starts an OpenTelemetry exporter that probes cloud metadata addresses and
 * reports to Apollo unless APOLLO_TELEMETRY_DISABLED is true when the gateway is constructed.
 * Telemetry is opt-in here: a user who wants it sets APOLLO_TELEMETRY_DISABLED=false.
 * createGateway() calls this before every `new ApolloGateway`, so no path can forget it.
 */
export function disableApolloTelemetryUnlessOptedIn(): void {
  if (process.env['APOLLO_TELEMETRY_DISABLED'] !== 'false')
    process.env['APOLLO_TELEMETRY_DISABLED'] = 'true';
}
disableApolloTelemetryUnlessOptedIn();

const subgraphUrlVariables = Object.fromEntries(
  subgraphs.map(({ name }) => [
    urlVariable(name),
    envVar.url(['http', 'https']).default(defaultSubgraphUrl(name)),
  ]),
) as Record<string, z.ZodDefault<z.ZodString>>;

function urlVariable(name: SubgraphName): string {
  return `${name.toUpperCase()}_URL`;
}

const schema = z.object({
  NODE_ENV: envVar.nodeEnv(),
  LOG_LEVEL: envVar.logLevel(),
  HOST: envVar.host(),
  PORT: envVar.port(4000),
  /** /healthz, /readyz and /metrics: never on the public port. */
  ADMIN_HOST: envVar.host(),
  ADMIN_PORT: envVar.port(4000 + ADMIN_PORT_OFFSET),
  SUPERGRAPH_PATH: z.string().default(supergraphFile),
  ...subgraphUrlVariables,
  /** Verifies users' access tokens (auth signs them with the matching private key). */
  AUTH_JWT_PUBLIC_KEY: envVar.pem('PUBLIC KEY'),
  AUTH_JWT_ISSUER: z.string().default('jobber-auth'),
  AUTH_JWT_AUDIENCE: z.string().default('jobber'),
  /** Signs the internal credential every subgraph request carries. */
  GATEWAY_INTERNAL_PRIVATE_KEY: envVar.pem('PRIVATE KEY'),
  CORS_ORIGINS: envVar.list(),
  /**
   * How many proxies you run in front of the gateway: the client address is the entry the
   * outermost of them appended to X-Forwarded-For (`true` = 1, `false` = 0: the socket's peer).
   */
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d+)$/, 'must be true, false or a number of proxies')
    .default('false')
    .transform((value) => (value === 'true' ? 1 : value === 'false' ? 0 : Number(value)))
    .pipe(z.number().int().min(0).max(10)),
  /** Per subgraph fetch (its wait for a pooled connection included); longer is UNAVAILABLE. */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Connections per subgraph at most (keep-alive pool); more fetches queue. */
  SUBGRAPH_CONNECTIONS: z.coerce.number().int().positive().default(64),
  SUBGRAPH_KEEP_ALIVE_MS: z.coerce.number().int().positive().default(4_000),
  /**
   * Who runs query plans: `jobber` (src/executor/, the default) or `apollo` (stock
   * `@apollo/gateway` execution, the fallback). docs/2026-12-03-gateway-executor.md.
   */
  GATEWAY_EXECUTOR: z.enum(['jobber', 'apollo']).default('jobber'),
  /** Identical subgraph fetches in flight at once share one answer (queries only; jobber only). */
  GATEWAY_FETCH_DEDUP: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /**
   * Query plans run in waves, a wave's entity fetches to one subgraph as one request (jobber
   * only; docs/2026-12-04-fetch-waves.md). `false` runs plans node by node.
   */
  GATEWAY_FETCH_WAVES: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /**
   * How long a signed internal credential is reused for the same caller and subgraph (jobber
   * only; 0 = a signature per request and subgraph). Below the credential's 60 s lifetime, so
   * a subgraph always gets one with at least 30 s left (docs/2026-12-04-credential-reuse.md).
   */
  GATEWAY_CREDENTIAL_REUSE_SECONDS: z.coerce.number().int().min(0).max(30).default(20),
  /** Rate limits: fixed windows, counts per client address and per account (0 = no limit). */
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_OPERATIONS_PER_IP: z.coerce.number().int().min(0).default(3_000),
  RATE_LIMIT_OPERATIONS_PER_ACCOUNT: z.coerce.number().int().min(0).default(1_200),
  RATE_LIMIT_SENSITIVE_PER_IP: z.coerce.number().int().min(0).default(60),
  RATE_LIMIT_SENSITIVE_PER_ACCOUNT: z.coerce.number().int().min(0).default(20),
  /** Cost points a window (the sellers page of 20 costs 261; the heaviest screen ~1,300). */
  RATE_LIMIT_COST_PER_IP: z.coerce.number().int().min(0).default(100_000),
  RATE_LIMIT_COST_PER_ACCOUNT: z.coerce.number().int().min(0).default(50_000),
  /** Counters shared by several gateways in Redis; unset = in this process's memory. */
  RATE_LIMIT_REDIS_URL: envVar.url(['redis', 'rediss']).optional(),
  RATE_LIMIT_KEY_PREFIX: z.string().default('jobber:rate:'),
  /** The broker auth publishes `auth.sessions.revoked` to; unset = revoked tokens work until they expire. */
  AMQP_URL: envVar.url(['amqp', 'amqps']).optional(),
  EVENTS_EXCHANGE: z.string().min(1).default('jobber.events'),
  EVENTS_QUEUE_PREFIX: z.string().default(''),
  /** Declare only these subgraphs' listed queues (comma-separated); unset = all (tests set it). */
  EVENTS_DECLARE_QUEUES_OF: envVar.nameList(),
  ...limitVariables,
  /** Subscriptions (graphql-ws on /graphql): docs/2026-12-02-gateway-subscriptions.md. */
  SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().positive().default(20),
  SUBSCRIPTION_CONNECTIONS_PER_USER: z.coerce.number().int().positive().default(10),
  /** Results waiting for one subscriber's socket at most; a client further behind is closed (1013). */
  SUBSCRIPTION_QUEUE_SIZE: z.coerce.number().int().positive().default(100),
  /** Reconnection attempts to a subgraph before its streams end with UNAVAILABLE. */
  SUBSCRIPTION_UPSTREAM_RETRIES: z.coerce.number().int().min(0).default(6),
  SUBSCRIPTION_UPSTREAM_RETRY_MS: z.coerce.number().int().positive().default(500),
  /** An upstream connection with no subscription left is closed after this long. */
  SUBSCRIPTION_UPSTREAM_IDLE_MS: z.coerce.number().int().min(0).default(5_000),
  /** Lifetime of the credential of an upstream socket (it reconnects with a fresh one at expiry). */
  SUBSCRIPTION_UPSTREAM_CREDENTIAL_SECONDS: z.coerce.number().int().positive().default(3_600),
  /** GraphiQL on GET /graphql (src/playground.ts); unset = on in development only. */
  PLAYGROUND: z.enum(['true', 'false', '1', '0']).optional(),
});

export type GatewayConfig = ReturnType<typeof parseGatewayConfig>;

export function parseGatewayConfig(source: Readonly<Record<string, string | undefined>>) {
  const env = parseEnv(schema, source);
  const subgraphUrls = Object.fromEntries(
    subgraphs.map(({ name }) => [name, String(env[urlVariable(name) as keyof typeof env])]),
  ) as Record<SubgraphName, string>;
  return {
    nodeEnv: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    host: env.HOST,
    port: env.PORT,
    admin: { host: env.ADMIN_HOST, port: env.ADMIN_PORT },
    supergraphPath: env.SUPERGRAPH_PATH,
    subgraphUrls,
    accessTokens: {
      publicKeyPem: env.AUTH_JWT_PUBLIC_KEY,
      issuer: env.AUTH_JWT_ISSUER,
      audience: env.AUTH_JWT_AUDIENCE,
    },
    internalPrivateKeyPem: env.GATEWAY_INTERNAL_PRIVATE_KEY,
    corsOrigins: env.CORS_ORIGINS,
    trustProxy: env.TRUST_PROXY,
    /** Refused before planning (src/limits.ts); README "Limits". */
    limits: operationLimitsFrom(env),
    rateLimits: {
      windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
      operationsPerIp: env.RATE_LIMIT_OPERATIONS_PER_IP,
      operationsPerAccount: env.RATE_LIMIT_OPERATIONS_PER_ACCOUNT,
      sensitivePerIp: env.RATE_LIMIT_SENSITIVE_PER_IP,
      sensitivePerAccount: env.RATE_LIMIT_SENSITIVE_PER_ACCOUNT,
      costPerIp: env.RATE_LIMIT_COST_PER_IP,
      costPerAccount: env.RATE_LIMIT_COST_PER_ACCOUNT,
      redisUrl: env.RATE_LIMIT_REDIS_URL ?? null,
      keyPrefix: env.RATE_LIMIT_KEY_PREFIX,
    },
    events: env.AMQP_URL
      ? {
          amqpUrl: env.AMQP_URL,
          exchange: env.EVENTS_EXCHANGE,
          queuePrefix: env.EVENTS_QUEUE_PREFIX,
          declareQueuesOf: env.EVENTS_DECLARE_QUEUES_OF,
        }
      : null,
    subscriptions: {
      maxPerConnection: env.SUBSCRIPTIONS_PER_CONNECTION,
      maxConnectionsPerUser: env.SUBSCRIPTION_CONNECTIONS_PER_USER,
      queueSize: env.SUBSCRIPTION_QUEUE_SIZE,
      upstream: {
        retries: env.SUBSCRIPTION_UPSTREAM_RETRIES,
        retryBaseMs: env.SUBSCRIPTION_UPSTREAM_RETRY_MS,
        idleMs: env.SUBSCRIPTION_UPSTREAM_IDLE_MS,
        credentialSeconds: env.SUBSCRIPTION_UPSTREAM_CREDENTIAL_SECONDS,
      },
      upstreamCredentialSeconds: env.SUBSCRIPTION_UPSTREAM_CREDENTIAL_SECONDS,
    },
    /** `jobber`: our query-plan executor; `apollo`: stock `@apollo/gateway` execution. */
    executor: env.GATEWAY_EXECUTOR,
    /** Dedup of identical in-flight subgraph fetches of queries (jobber executor only). */
    fetchDedup: env.GATEWAY_FETCH_DEDUP,
    /** Plans in waves of fetches, merged per subgraph (jobber executor only). */
    fetchWaves: env.GATEWAY_FETCH_WAVES,
    credentialReuseMs: env.GATEWAY_CREDENTIAL_REUSE_SECONDS * 1000,
    subgraphFetch: {
      timeoutMs: env.SUBGRAPH_TIMEOUT_MS,
      connections: env.SUBGRAPH_CONNECTIONS,
      keepAliveMs: env.SUBGRAPH_KEEP_ALIVE_MS,
    },
    /** Introspection and "Did you mean" hints are for development only. */
    development: env.NODE_ENV === 'development',
    /** GraphiQL for browsers at /graphql: development, or PLAYGROUND=true (which also allows introspection). */
    playground:
      env.PLAYGROUND === undefined
        ? env.NODE_ENV === 'development'
        : env.PLAYGROUND === 'true' || env.PLAYGROUND === '1',
  };
}

export function loadGatewayConfig(): GatewayConfig {
  return parseGatewayConfig(process.env);
}
