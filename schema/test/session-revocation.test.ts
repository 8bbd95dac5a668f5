// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { TcpProxy } from '@jobber/events/testing';
import { parseGatewayConfig, startGateway } from '@jobber/gateway';
import { createLogger, type RunningServer } from '@jobber/service-kit';
import {
  GraphQLClient,
  SIGN_UP_MUTATION,
  errorCodes,
  eventually,
  memberSignUpInput,
  signUpMember,
  startTestSupergraph,
  testConfig,
  uniqueTag,
  type TestSupergraph,
} from '@jobber/test-kit';

interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string };
}
const SESSION = 'user { id } accessToken refreshToken';
const VIEWER = '{ viewer { id } }';

const BROKER_PORT = Number(new URL(testConfig.TEST_AMQP_URL).port || 5672);

/** Another gateway process beside the test supergraph's, on the same auth and exchange. */
function anotherGateway(
  supergraph: TestSupergraph,
  amqpUrl: string,
  service: string,
): Promise<RunningServer> {
  return startGateway(
    parseGatewayConfig({
      NODE_ENV: 'test',
      PORT: '0',
      ADMIN_PORT: '0',
      AUTH_JWT_PUBLIC_KEY: supergraph.keys.accessTokens.publicKeyPem,
      GATEWAY_INTERNAL_PRIVATE_KEY: supergraph.keys.internal.privateKeyPem,
      AUTH_URL: supergraph.subgraphs.auth?.url ?? '',
      USERS_URL: 'http://127.0.0.1:9/graphql',
      AMQP_URL: amqpUrl,
      EVENTS_EXCHANGE: supergraph.events.exchange,
      EVENTS_QUEUE_PREFIX: supergraph.events.queuePrefix,
    }),
    createLogger({ service, level: testConfig.TEST_LOG_LEVEL }),
  );
}

// Item 14 of issue 13: access tokens kept working for up to 15 minutes after signOutEverywhere
// or refresh-token reuse. Auth now publishes auth.sessions.revoked and every gateway refuses them;
// a gateway that was not listening when it went out asks auth on (re)connect and at start.
// The test gateway reaches the broker through a proxy this file cuts (auth reaches it directly).
describe('the access tokens of revoked sessions', () => {
  let supergraph: TestSupergraph;
  let proxy: TcpProxy;
  let authDb: pg.Pool;
  const gateways: RunningServer[] = [];
  const proxies: TcpProxy[] = [];

  beforeAll(async () => {
    proxy = await TcpProxy.start(BROKER_PORT);
    proxies.push(proxy);
    supergraph = await startTestSupergraph(
      { auth: (env) => startAuthService(parseAuthConfig(env)) },
      { gatewayEnv: { AMQP_URL: proxy.urlThrough(testConfig.TEST_AMQP_URL) } },
    );
    authDb = new pg.Pool({ connectionString: supergraph.databases.auth?.url, max: 1 });
  });
  afterAll(async () => {
    for (const through of proxies) through.restore();
    await Promise.all(gateways.map((gateway) => gateway.stop(1_000)));
    await authDb?.end();
    await supergraph?.stop();
    await Promise.all(proxies.map((through) => through.close()));
  });

  const startAnotherGateway = async (amqpUrl: string) => {
    const gateway = await anotherGateway(supergraph, amqpUrl, 'gateway-2');
    gateways.push(gateway);
    return gateway;
  };

  async function readiness(adminUrl: string) {
    const response = await fetch(`${adminUrl}/readyz`);
    return {
      status: response.status,
      body: (await response.json()) as { status: string; checks: Record<string, string> },
    };
  }

  /** auth.sessions.revoked for the account has left auth's outbox (the broker has it). */
  async function revocationPublished(userId: string): Promise<void> {
    await eventually(
      async () => {
        const { rows } = await authDb.query(
          `SELECT 1 FROM outbox_events WHERE type = 'auth.sessions.revoked'
             AND payload->'data'->>'userId' = $1 AND sent_at IS NOT NULL`,
          [userId],
        );
        return rows.length > 0;
      },
      { what: 'auth to publish auth.sessions.revoked' },
    );
  }

  const signOutEverywhere = async (token: string) =>
    expect(
      (await supergraph.client.request('mutation { signOutEverywhere }', {}, { token })).data,
    ).toEqual({ signOutEverywhere: true });

  /** Both steps of a sign-up: the completed one's session, with its refresh token. */
  async function signUp(): Promise<Session> {
    const input = memberSignUpInput(`revoked_${uniqueTag()}`);
    await supergraph.client.data(SIGN_UP_MUTATION, { input });
    const token = await supergraph.client.mailbox?.signUpToken(input.email);
    const data = await supergraph.client.data<{ completeSignUp: Session }>(
      `mutation($input: CompleteSignUpInput!) { completeSignUp(input: $input) { ${SESSION} } }`,
      { input: { token } },
    );
    return data.completeSignUp;
  }

  async function refresh(refreshToken: string) {
    return supergraph.client.request<{ refreshSession: Session }>(
      `mutation($r: String!) { refreshSession(refreshToken: $r) { ${SESSION} } }`,
      { r: refreshToken },
    );
  }

  /** Polls until the token is refused; fails when it still works after the poll's bound. */
  async function refused(token: string) {
    return eventually(
      async () => {
        const answer = await supergraph.client.request(VIEWER, {}, { token });
        return answer.status === 401 ? answer : null;
      },
      { what: 'the revoked access token to be refused' },
    );
  }

  it('stop working soon after signOutEverywhere, with 401 UNAUTHENTICATED', async () => {
    const session = await signUp();
    const bystander = await signUp();
    const before = await supergraph.client.request(VIEWER, {}, { token: session.accessToken });
    expect(before.data).toEqual({ viewer: { id: session.user.id } });

    const out = await supergraph.client.request(
      'mutation { signOutEverywhere }',
      {},
      { token: session.accessToken },
    );
    expect(out.data).toEqual({ signOutEverywhere: true });

    const answer = await refused(session.accessToken);
    expect(errorCodes(answer)).toEqual(['UNAUTHENTICATED']);
    // Only that account's sessions: another member's token still works.
    const other = await supergraph.client.request(VIEWER, {}, { token: bystander.accessToken });
    expect(other.data).toEqual({ viewer: { id: bystander.user.id } });
  });

  it('stop working after refresh-token reuse revokes the family', async () => {
    const first = await signUp();
    const rotated = await refresh(first.refreshToken);
    expect(rotated.errors).toEqual([]);
    const current = rotated.data?.refreshSession;
    if (!current) throw new Error('no rotated session');
    expect(
      (await supergraph.client.request(VIEWER, {}, { token: current.accessToken })).data,
    ).toEqual({ viewer: { id: first.user.id } });

    // Someone kept a copy of the first refresh token and uses it.
    const reused = await refresh(first.refreshToken);
    expect(reused.errors.length).toBeGreaterThan(0);

    expect(errorCodes(await refused(current.accessToken))).toEqual(['UNAUTHENTICATED']);
  });

  it('are refused by a gateway cut off from the broker when they were revoked, once it reconnects', async () => {
    const session = await signUp();
    const admin = supergraph.gatewayAdminUrl;
    expect((await readiness(admin)).body.checks['revocations']).toBe('ok');

    proxy.cut();
    const cut = await eventually(
      async () => {
        const answer = await readiness(admin);
        return answer.body.checks['revocations'] !== 'ok' && answer;
      },
      { what: 'the gateway to report the lost broker' },
    );
    expect(cut.status).toBe(200);
    expect(cut.body.status).toBe('degraded');
    expect(cut.body.checks['revocations']).toBe('broker: connection lost; reconnecting');

    await signOutEverywhere(session.accessToken);
    await revocationPublished(session.user.id);
    // The event went out while this gateway had no queue bound: it never arrives here.
    const during = await supergraph.client.request(VIEWER, {}, { token: session.accessToken });
    expect(during.data).toEqual({ viewer: { id: session.user.id } });

    proxy.restore();
    await eventually(async () => (await readiness(admin)).body.checks['revocations'] === 'ok', {
      timeoutMs: 20_000,
      what: 'the gateway to reconnect and catch up',
    });
    // Caught up from auth before it reported ok: refused at once, no wait.
    const after = await supergraph.client.request(VIEWER, {}, { token: session.accessToken });
    expect(after.status).toBe(401);
    expect(errorCodes(after)).toEqual(['UNAUTHENTICATED']);
  });

  it('are refused by a gateway started after they were revoked, from its first request', async () => {
    const session = await signUp();
    await signOutEverywhere(session.accessToken);
    await revocationPublished(session.user.id);

    const fresh = await startAnotherGateway(testConfig.TEST_AMQP_URL);
    const answer = await new GraphQLClient(fresh.url).request(
      VIEWER,
      {},
      { token: session.accessToken },
    );
    expect(answer.status).toBe(401);
    expect(errorCodes(answer)).toEqual(['UNAUTHENTICATED']);
    expect((await readiness(fresh.adminUrl)).body.checks['revocations']).toBe('ok');
  });
});

describe('a gateway whose broker is down when it starts', () => {
  it('starts, serves, reports it (degraded, 200), and follows revocations once the broker is up', async () => {
    const supergraph = await startTestSupergraph({
      auth: (env) => startAuthService(parseAuthConfig(env)),
    });
    const broker = await TcpProxy.start(BROKER_PORT);
    let gateway: RunningServer | undefined;
    try {
      broker.cut(); // refuses every connection until restored
      gateway = await anotherGateway(
        supergraph,
        broker.urlThrough(testConfig.TEST_AMQP_URL),
        'gateway-late-broker',
      );
      const client = new GraphQLClient(gateway.url);
      const admin = gateway.adminUrl;
      const down = await fetch(`${admin}/readyz`);
      expect(down.status).toBe(200);
      const report = (await down.json()) as { status: string; checks: Record<string, string> };
      expect(report.status).toBe('degraded');
      expect(report.checks['supergraph']).toBe('ok');
      expect(report.checks['revocations']).toMatch(/^broker: .+; retrying$/);

      // Serving: a sign-up and the new account's own query.
      const mailbox = supergraph.client.mailbox;
      if (!mailbox) throw new Error('no mailbox');
      const member = await signUpMember(client.withMailbox(mailbox));
      expect((await member.client.request(VIEWER)).data).toEqual({ viewer: { id: member.id } });
      const tries = broker.accepted;

      broker.restore();
      await eventually(
        async () => {
          const ready = (await (await fetch(`${admin}/readyz`)).json()) as typeof report;
          return ready.checks['revocations'] === 'ok';
        },
        { timeoutMs: 20_000, what: 'the gateway to reach the broker' },
      );
      expect(broker.accepted).toBeGreaterThan(tries);

      // Revoked after it subscribed: the event itself reaches it.
      await member.client.request('mutation { signOutEverywhere }');
      const refused = await eventually(
        async () => {
          const answer = await member.client.request(VIEWER);
          return answer.status === 401 && answer;
        },
        { what: 'the revoked access token to be refused' },
      );
      expect(errorCodes(refused)).toEqual(['UNAUTHENTICATED']);
    } finally {
      broker.restore();
      await gateway?.stop(1_000);
      await supergraph.stop();
      await broker.close();
    }
  });
});
