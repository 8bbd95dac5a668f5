// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { startTestSupergraph, type TestSupergraph } from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';
import { RateLimitedError } from '../src/gateway-client.js';
import { runSeed } from '../src/run.js';

// A gateway with production-like sensitive limits (here 3 a minute per address): the seed stops
// at the first 429 and says which limit to raise, instead of failing member after member.
let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph(
    {
      auth: (env) => startAuthService(parseAuthConfig(env)),
      users: (env) => startUsersService(parseUsersConfig(env)),
    },
    { gatewayEnv: { PLAYGROUND: 'true', RATE_LIMIT_SENSITIVE_PER_IP: '3' } },
  );
});
afterAll(() => supergraph?.stop());

describe('npm run seed against a gateway with low limits', () => {
  it('stops at the 429 and explains it', async () => {
    const lines: string[] = [];
    const run = runSeed(
      {
        gatewayUrl: supergraph.gatewayUrl,
        authDatabaseUrls: [supergraph.databases.auth?.url ?? ''],
      },
      {
        seed: 5,
        sizes: { buyers: 4, sellers: 0, gigs: 0, conversations: 0, orders: 0 },
        concurrency: 1,
      },
      { write: (text) => lines.push(text) },
    );
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as Error).message).toMatch(
      /rate limit was reached.*RATE_LIMIT_SENSITIVE_PER_IP/s,
    );
  });
});
