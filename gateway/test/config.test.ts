import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@jobber/service-kit';
import { defaultSubgraphUrl, subgraphs } from '@jobber/supergraph';
import { parseGatewayConfig } from '../src/config.js';

const pem = (type: 'pkcs8' | 'spki') => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return (type === 'pkcs8' ? privateKey : publicKey).export({ type, format: 'pem' }).toString();
};

describe('gateway configuration', () => {
  it('turns Apollo telemetry off as soon as the configuration is loaded', () => {
    // eslint-disable-next-line no-restricted-properties -- the variable config.ts must set
    expect(process.env['APOLLO_TELEMETRY_DISABLED']).toBe('true');
  });

  it('defaults every subgraph URL from the one subgraph list', () => {
    const config = parseGatewayConfig({
      AUTH_JWT_PUBLIC_KEY: pem('spki'),
      GATEWAY_INTERNAL_PRIVATE_KEY: pem('pkcs8'),
      USERS_URL: 'http://users.internal:8080/graphql',
      CORS_ORIGINS: 'https://app.example, https://admin.example',
    });
    expect(config.subgraphUrls).toEqual({
      ...Object.fromEntries(subgraphs.map(({ name }) => [name, defaultSubgraphUrl(name)])),
      auth: 'http://127.0.0.1:4001/graphql',
      users: 'http://users.internal:8080/graphql',
    });
    expect(config.corsOrigins).toEqual(['https://app.example', 'https://admin.example']);
    expect(config.admin).toEqual({ host: '127.0.0.1', port: 9000 });
  });

  it('is production unless NODE_ENV says otherwise: no introspection or landing page', () => {
    const keys = { AUTH_JWT_PUBLIC_KEY: pem('spki'), GATEWAY_INTERNAL_PRIVATE_KEY: pem('pkcs8') };
    expect(parseGatewayConfig(keys)).toMatchObject({ nodeEnv: 'production', development: false });
    expect(parseGatewayConfig({ ...keys, NODE_ENV: 'test' }).development).toBe(false);
    expect(parseGatewayConfig({ ...keys, NODE_ENV: 'development' }).development).toBe(true);
  });

  it('names each missing or malformed variable', () => {
    let problems: string[] = [];
    try {
      parseGatewayConfig({ AUTH_URL: 'ftp://nope', GATEWAY_INTERNAL_PRIVATE_KEY: pem('spki') });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^AUTH_URL: must be a http or https URL/),
      'AUTH_JWT_PUBLIC_KEY: is required but not set',
      expect.stringMatching(/^GATEWAY_INTERNAL_PRIVATE_KEY: must be a PEM-encoded private key/),
    ]);
  });

  it('reads each operation limit from its variable, with defaults no screen comes near', () => {
    const keys = { AUTH_JWT_PUBLIC_KEY: pem('spki'), GATEWAY_INTERNAL_PRIVATE_KEY: pem('pkcs8') };
    expect(parseGatewayConfig(keys).limits).toEqual({
      tokens: 10_000,
      depth: 12,
      introspectionDepth: 20,
      cost: 5_000,
      aliases: 50,
      rootFields: 20,
      directives: 50,
      fragmentSpreads: 200,
      repeatedFields: 100,
    });
    expect(
      parseGatewayConfig({ ...keys, MAX_QUERY_COST: '800', MAX_QUERY_ALIASES: '5' }).limits,
    ).toMatchObject({ cost: 800, aliases: 5 });
    expect(() => parseGatewayConfig({ ...keys, MAX_QUERY_DEPTH: '0' })).toThrow(/MAX_QUERY_DEPTH/);
  });
});

describe('TRUST_PROXY', () => {
  const base = { AUTH_JWT_PUBLIC_KEY: pem('spki'), GATEWAY_INTERNAL_PRIVATE_KEY: pem('pkcs8') };
  it('is a number of proxies; true and false keep their meaning (one proxy, none)', () => {
    expect(parseGatewayConfig(base).trustProxy).toBe(0);
    expect(parseGatewayConfig({ ...base, TRUST_PROXY: 'false' }).trustProxy).toBe(0);
    expect(parseGatewayConfig({ ...base, TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(parseGatewayConfig({ ...base, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(() => parseGatewayConfig({ ...base, TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY/);
  });
});
