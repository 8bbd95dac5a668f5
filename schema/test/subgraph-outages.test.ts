// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import {
  notStartedReadiness,
  becomeSeller,
  errorCodes,
  signUpMember,
  startTestSupergraph,
  waitForBuyerProfile,
  type Member,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';

// A subgraph that cannot be reached gives the client a retryable UNAVAILABLE naming it, and the
// fields other subgraphs answered stay.
const VIEWER_AND_SELLERS = `{
  viewer { id username sellerProfile { fullName } }
  sellers(first: 5) { edges { node { fullName } } }
}`;
interface ViewerAndSellers {
  viewer: { id: string; username: string; sellerProfile: { fullName: string } | null } | null;
  sellers: { edges: { node: { fullName: string } }[] } | null;
}

function expectUsersUnavailable(
  errors: { message: string; extensions?: Record<string, unknown> }[],
) {
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) {
    expect(error.extensions).toMatchObject({ code: 'UNAVAILABLE', subgraph: 'users' });
    expect(error.message).not.toMatch(/ECONN|127\.0\.0\.1|socket|fetch/i);
  }
}

describe('a subgraph that was running and stopped', () => {
  let supergraph: TestSupergraph;
  let member: Member;

  beforeAll(async () => {
    supergraph = await startTestSupergraph({
      auth: (env) => startAuthService(parseAuthConfig(env)),
      users: (env) => startUsersService(parseUsersConfig(env)),
    });
    member = await signUpMember(supergraph.client);
    await waitForBuyerProfile(member);
    await becomeSeller(member);
  });
  afterAll(() => supergraph?.stop());

  it('is UNAVAILABLE, naming it, while auth still answers the viewer', async () => {
    const before = await member.client.request<ViewerAndSellers>(VIEWER_AND_SELLERS);
    expect(before.errors).toEqual([]);
    expect(before.data?.sellers?.edges).toHaveLength(1);

    await supergraph.subgraphs.users?.stop(1_000);
    const during = await member.client.request<ViewerAndSellers>(VIEWER_AND_SELLERS);
    expectUsersUnavailable(during.errors);
    expect(during.data).toEqual({
      viewer: { id: member.id, username: member.username, sellerProfile: null },
      sellers: null,
    });
  });

  it('leaves the gateway ready, reporting the stopped subgraph as down', async () => {
    const readyz = () => fetch(`${supergraph.gatewayAdminUrl}/readyz`);
    await supergraph.subgraphs.users?.stop(1_000);
    const response = await readyz();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'degraded',
      checks: {
        supergraph: 'ok',
        auth: 'ok',
        ...notStartedReadiness(['auth', 'users']),
        users: 'down: ECONNREFUSED',
        revocations: 'ok',
      },
    });
  });
});

describe('a subgraph behind a proxy that cannot reach it', () => {
  let supergraph: TestSupergraph;
  let proxy: Server;
  let answer: 'bad gateway' | 'unavailable' | 'reset' = 'unavailable';

  beforeAll(async () => {
    // Stands where users would be: answers as a proxy or load balancer with no backend does.
    proxy = createServer((req, res) => {
      if (answer === 'reset') {
        (req.socket as Socket).resetAndDestroy();
        return;
      }
      res.writeHead(answer === 'bad gateway' ? 502 : 503, { 'content-type': 'text/plain' });
      res.end('no backend');
    });
    await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
    const { port } = proxy.address() as AddressInfo;
    supergraph = await startTestSupergraph(
      { auth: (env) => startAuthService(parseAuthConfig(env)) },
      { gatewayEnv: { USERS_URL: `http://127.0.0.1:${port}/graphql` } },
    );
  });
  afterAll(async () => {
    await supergraph?.stop();
    proxy.closeAllConnections();
    await new Promise((done) => proxy.close(done));
  });

  it.each(['bad gateway', 'unavailable', 'reset'] as const)(
    'is UNAVAILABLE when it answers %s',
    async (mode) => {
      answer = mode;
      const member = await signUpMember(supergraph.client);
      const response = await member.client.request<ViewerAndSellers>(VIEWER_AND_SELLERS);
      expectUsersUnavailable(response.errors);
      expect(errorCodes(response)).toContain('UNAVAILABLE');
      expect(response.data?.viewer).toEqual({
        id: member.id,
        username: member.username,
        sellerProfile: null,
      });
    },
  );
});
