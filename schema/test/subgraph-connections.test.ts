// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import {
  signUpMember,
  startTestSupergraph,
  type Member,
  type TestSupergraph,
} from '@jobber/test-kit';

/** Forwards to a port set later (the subgraph's, once started) and counts connections opened. */
class CountingProxy {
  target = 0;
  opened = 0;
  private readonly open = new Set<net.Socket>();
  private readonly server = net.createServer((client) => {
    this.opened++;
    const upstream = net.connect({ host: '127.0.0.1', port: this.target });
    for (const socket of [client, upstream]) {
      this.open.add(socket);
      socket.on('error', () => {});
      socket.once('close', () => {
        this.open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });

  async listen(): Promise<number> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    return (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    await new Promise((done) => this.server.close(done));
  }
}

// Item 3 of issue 13: an alias storm opened a socket per subgraph fetch, and the subgraph reset
// them. The gateway's fetches to one subgraph now share a bounded keep-alive pool.
describe('subgraph fetches share a bounded keep-alive connection pool', () => {
  const proxy = new CountingProxy();
  let supergraph: TestSupergraph;
  let member: Member;

  beforeAll(async () => {
    const port = await proxy.listen();
    supergraph = await startTestSupergraph(
      {
        auth: async (env) => {
          const service = await startAuthService(parseAuthConfig(env));
          proxy.target = Number(new URL(service.url).port);
          return service;
        },
      },
      {
        gatewayEnv: { AUTH_URL: `http://127.0.0.1:${port}/graphql`, SUBGRAPH_CONNECTIONS: '2' },
      },
    );
    member = await signUpMember(supergraph.client);
  });
  afterAll(async () => {
    await supergraph?.stop();
    await proxy.close();
  });

  it('60 parallel requests all answer over at most 2 connections to auth', async () => {
    const before = proxy.opened;
    const answers = await Promise.all(
      Array.from({ length: 60 }, () => member.client.request('{ viewer { id username } }')),
    );
    for (const answer of answers) {
      expect(answer.errors).toEqual([]);
      expect(answer.data).toEqual({ viewer: { id: member.id, username: member.username } });
    }
    // Kept alive from the sign-up: no new connection beyond the bound, whatever the load. The
    // revocation catch-up at start goes through the same pool, so the bound holds from the start.
    expect(proxy.opened).toBeGreaterThan(0);
    expect(proxy.opened).toBeLessThanOrEqual(2);
    expect(proxy.opened - before).toBeLessThanOrEqual(2);
  });
});
