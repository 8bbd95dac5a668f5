import { z } from 'zod';
import { ADMIN_PORT_OFFSET, envVar } from './env.js';

/**
 * The variables every subgraph reads, so all seven spell them alike. A subgraph's config.ts
 * spreads this into its own schema and adds what is particular to it.
 */
export function subgraphEnvShape(defaultPort: number) {
  return {
    NODE_ENV: envVar.nodeEnv(),
    LOG_LEVEL: envVar.logLevel(),
    HOST: envVar.host(),
    PORT: envVar.port(defaultPort),
    /** /healthz, /readyz and /metrics: never on the public port. */
    ADMIN_HOST: envVar.host(),
    ADMIN_PORT: envVar.port(defaultPort + ADMIN_PORT_OFFSET),
    /** This subgraph's own database. */
    DATABASE_URL: envVar.url(['postgres', 'postgresql']),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    /** Longest wait for a pool connection; past it the request gets a retryable UNAVAILABLE. */
    DATABASE_POOL_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(2_000),
    /** Verifies the gateway's internal credential; requests without one get 401. */
    GATEWAY_INTERNAL_PUBLIC_KEY: envVar.pem('PUBLIC KEY'),
    AMQP_URL: envVar.url(['amqp', 'amqps']).default('amqp://guest:guest@127.0.0.1:5672'),
    EVENTS_EXCHANGE: z.string().min(1).default('jobber.events'),
    /** Prepended to this subgraph's queue names (tests use it to keep files apart). */
    EVENTS_QUEUE_PREFIX: z.string().default(''),
    /** Declare only these subgraphs' listed queues (comma-separated); unset = all (tests set it). */
    EVENTS_DECLARE_QUEUES_OF: envVar.nameList(),
  };
}

type SubgraphEnv = z.infer<z.ZodObject<ReturnType<typeof subgraphEnvShape>>>;

/** The common settings in the shape the service kit and events package take them. */
export function subgraphSettings(env: SubgraphEnv) {
  return {
    nodeEnv: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    host: env.HOST,
    port: env.PORT,
    admin: { host: env.ADMIN_HOST, port: env.ADMIN_PORT },
    database: {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      poolTimeoutMs: env.DATABASE_POOL_TIMEOUT_MS,
    },
    internalPublicKeyPem: env.GATEWAY_INTERNAL_PUBLIC_KEY,
    events: {
      amqpUrl: env.AMQP_URL,
      exchange: env.EVENTS_EXCHANGE,
      queuePrefix: env.EVENTS_QUEUE_PREFIX,
      ...(env.EVENTS_DECLARE_QUEUES_OF && { declareQueuesOf: env.EVENTS_DECLARE_QUEUES_OF }),
    },
  };
}
export type SubgraphSettings = ReturnType<typeof subgraphSettings>;
