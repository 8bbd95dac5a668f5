import type { SubgraphName } from '@jobber/supergraph';
import { subgraphs } from '@jobber/supergraph';
import type { LauncherConfig } from './config.js';
import type { DevKeys } from './dev-keys.js';

type Env = Record<string, string | undefined>;

/** `http://127.0.0.1:<port><path>`: every service of the launcher listens on this host only. */
export const local = (port: number, path: string) => `http://127.0.0.1:${port}${path}`;

/** What every service of both modes is started with: the launcher's whole environment, in
 * development unless said otherwise, with the development keys. */
function common(config: LauncherConfig, keys: DevKeys): Env {
  return {
    ...config.inherited,
    // npm start is for development (services alone default to production).
    NODE_ENV: config.inherited['NODE_ENV'] ?? 'development',
    LOG_LEVEL: config.logLevel,
    AMQP_URL: config.amqpUrl,
    GATEWAY_INTERNAL_PUBLIC_KEY: keys.internal.publicKeyPem,
    AUTH_JWT_PUBLIC_KEY: keys.accessTokens.publicKeyPem,
  };
}

/** A subgraph's environment, as its main.ts would read it. */
export function subgraphEnv(
  config: LauncherConfig,
  keys: DevKeys,
  name: SubgraphName,
  databaseUrl: string,
): Env {
  const { port, adminPort } = config.subgraphs[name];
  return {
    ...common(config, keys),
    PORT: String(port),
    ADMIN_PORT: String(adminPort),
    DATABASE_URL: databaseUrl,
    ...(name === 'auth' ? { AUTH_JWT_PRIVATE_KEY: keys.accessTokens.privateKeyPem } : {}),
  };
}

/**
 * The gateway's per-address limits in development (`npm start`, `npm run start:services`):
 * every request there comes from 127.0.0.1, and `npm run seed` signs hundreds of members up
 * from it in a minute. Production keeps the gateway's own defaults (60 sensitive mutations and
 * 3,000 operations a minute per address); a variable set by hand always wins
 * (docs/2026-12-02-seed-data.md).
 */
export const DEVELOPMENT_RATE_LIMITS = {
  RATE_LIMIT_SENSITIVE_PER_IP: '10000',
  RATE_LIMIT_OPERATIONS_PER_IP: '100000',
} as const;

/** The gateway's environment: the subgraphs at `urls`. */
export function gatewayEnv(
  config: LauncherConfig,
  keys: DevKeys,
  urls: Record<SubgraphName, string>,
): Env {
  const env = common(config, keys);
  const development = env['NODE_ENV'] === 'development';
  return {
    ...(development ? DEVELOPMENT_RATE_LIMITS : {}),
    ...env,
    PORT: String(config.gatewayPort),
    ADMIN_PORT: String(config.gatewayAdminPort),
    GATEWAY_INTERNAL_PRIVATE_KEY: keys.internal.privateKeyPem,
    ...Object.fromEntries(subgraphs.map(({ name }) => [`${name.toUpperCase()}_URL`, urls[name]])),
  };
}

/** Where each subgraph's GraphQL endpoint is, by the configured ports. */
export function subgraphUrls(config: LauncherConfig): Record<SubgraphName, string> {
  return Object.fromEntries(
    subgraphs.map(({ name }) => [name, local(config.subgraphs[name].port, '/graphql')]),
  ) as Record<SubgraphName, string>;
}
