// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { parseGatewayConfig, startGateway } from '@jobber/gateway';
import { createLogger, type RunningServer } from '@jobber/service-kit';
import { startTestSupergraph, uniqueTag, type TestSupergraph } from '@jobber/test-kit';

const REDIS_URL = 'redis://127.0.0.1:6379';
const prefix = `jobber-test:${randomBytes(6).toString('hex')}:`;

async function redisUnreachable(): Promise<string | null> {
  const probe = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false } });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.close();
    return null;
  } catch (error) {
    return `Redis at ${REDIS_URL} is not reachable (${String(error)}): shared limits not tested`;
  }
}
const unreachable = await redisUnreachable();
if (unreachable) console.warn(unreachable);

// Item 4 of issue 13: with several gateways, an attacker spreads attempts over all of them;
// with RATE_LIMIT_REDIS_URL they share one count.
describe.runIf(!unreachable)('two gateways sharing their rate limits in Redis', () => {
  let supergraph: TestSupergraph;
  let second: RunningServer;
  const limits = {
    TRUST_PROXY: '1',
    RATE_LIMIT_REDIS_URL: REDIS_URL,
    RATE_LIMIT_KEY_PREFIX: prefix,
    RATE_LIMIT_SENSITIVE_PER_IP: '6',
  };

  beforeAll(async () => {
    supergraph = await startTestSupergraph(
      { auth: (env) => startAuthService(parseAuthConfig(env)) },
      { gatewayEnv: limits },
    );
    second = await startGateway(
      parseGatewayConfig({
        NODE_ENV: 'test',
        PORT: '0',
        ADMIN_PORT: '0',
        AUTH_JWT_PUBLIC_KEY: supergraph.keys.accessTokens.publicKeyPem,
        GATEWAY_INTERNAL_PRIVATE_KEY: supergraph.keys.internal.privateKeyPem,
        AUTH_URL: supergraph.subgraphs.auth?.url ?? '',
        ...limits,
      }),
      createLogger({ service: 'gateway-2', level: 'silent' }),
    );
  });
  afterAll(async () => {
    await second?.stop(1_000);
    await supergraph?.stop();
    const admin = createClient({ url: REDIS_URL });
    await admin.connect();
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(keys);
    await admin.close();
  });

  it('12 sign-ins alternating between them: 6 pass, 6 are refused', async () => {
    const statuses = [];
    for (let i = 0; i < 12; i++) {
      const url = i % 2 ? second.url : supergraph.gatewayUrl;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.77' },
        body: JSON.stringify({
          query: `mutation($input: SignInInput!) { signIn(input: $input) { __typename } }`,
          variables: { input: { emailOrUsername: `nobody_${uniqueTag()}`, password: 'a guess!!' } },
        }),
      });
      statuses.push(response.status === 429 ? 'refused' : 'answered');
    }
    expect(statuses).toEqual([...Array(6).fill('answered'), ...Array(6).fill('refused')]);
  });
});
