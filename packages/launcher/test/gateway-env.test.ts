import { describe, expect, it } from 'vitest';
import type { LauncherConfig } from '../src/config.js';
import type { DevKeys } from '../src/dev-keys.js';
import { defaultSubgraphUrl, subgraphs, type SubgraphName } from '@jobber/supergraph';
import { DEVELOPMENT_RATE_LIMITS, gatewayEnv } from '../src/service-env.js';

const keys: DevKeys = {
  internal: { privateKeyPem: 'internal-private', publicKeyPem: 'internal-public' },
  accessTokens: { privateKeyPem: 'tokens-private', publicKeyPem: 'tokens-public' },
};
const urls = Object.fromEntries(
  subgraphs.map(({ name }) => [name, defaultSubgraphUrl(name)]),
) as Record<SubgraphName, string>;

function config(inherited: Record<string, string>): LauncherConfig {
  return {
    gatewayPort: 4000,
    gatewayAdminPort: 9000,
    amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
    logLevel: 'info',
    inherited,
  } as LauncherConfig;
}

describe("the gateway's rate limits under the launcher", () => {
  it('are raised per address in development, for the seed', () => {
    const env = gatewayEnv(config({}), keys, urls);
    expect(env['NODE_ENV']).toBe('development');
    expect(env).toMatchObject(DEVELOPMENT_RATE_LIMITS);
  });

  it("stay the gateway's own in production", () => {
    const env = gatewayEnv(config({ NODE_ENV: 'production' }), keys, urls);
    expect(env['RATE_LIMIT_SENSITIVE_PER_IP']).toBeUndefined();
    expect(env['RATE_LIMIT_OPERATIONS_PER_IP']).toBeUndefined();
  });

  it('keep a value set by hand', () => {
    const env = gatewayEnv(config({ RATE_LIMIT_SENSITIVE_PER_IP: '5' }), keys, urls);
    expect(env['RATE_LIMIT_SENSITIVE_PER_IP']).toBe('5');
  });
});
