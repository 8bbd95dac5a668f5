// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { TcpProxy } from '@jobber/events/testing';
import {
  eventually,
  signUpMember,
  startTestSupergraph,
  testConfig,
  waitForBuyerProfile,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';

// A broker outage degrades a subgraph instead of taking it out of service: auth's broker
// connection runs through a proxy we cut; its /readyz stays 200 (the outbox keeps the events)
// and says what is wrong, and the events arrive once the broker is back.
let supergraph: TestSupergraph;
let proxy: TcpProxy;

beforeAll(async () => {
  proxy = await TcpProxy.start(Number(new URL(testConfig.TEST_AMQP_URL).port || 5672));
  supergraph = await startTestSupergraph({
    auth: (env) =>
      startAuthService(parseAuthConfig({ ...env, AMQP_URL: proxy.urlThrough(env.AMQP_URL ?? '') })),
    users: (env) => startUsersService(parseUsersConfig(env)),
  });
});
afterAll(async () => {
  proxy?.restore();
  await supergraph?.stop();
  await proxy?.close();
});

async function readiness(adminUrl: string) {
  const response = await fetch(`${adminUrl}/readyz`);
  return {
    status: response.status,
    body: (await response.json()) as { status: string; checks: Record<string, string> },
  };
}

const eventsUp = (metrics: string) =>
  /readiness_check_up{check="events",critical="false",[^}]*} (\d)/.exec(metrics)?.[1];

describe('readiness during a broker outage', () => {
  it('stays 200 with the outage in the body and the metric, and catches up afterwards', async () => {
    const admin = supergraph.subgraphs.auth?.adminUrl ?? '';
    expect(await readiness(admin)).toEqual({
      status: 200,
      body: { status: 'ok', checks: { database: 'ok', events: 'ok' } },
    });

    proxy.cut();
    const degraded = await eventually(
      async () => {
        const answer = await readiness(admin);
        return answer.body.status === 'degraded' && answer;
      },
      { what: 'auth to report the broker outage' },
    );
    expect(degraded.status).toBe(200);
    expect(degraded.body.checks['database']).toBe('ok');
    expect(degraded.body.checks['events']).not.toBe('ok');
    expect(eventsUp(await (await fetch(`${admin}/metrics`)).text())).toBe('0');

    // Still serving: the sign-up commits, its event waits in the outbox.
    const member = await signUpMember(supergraph.client);

    proxy.restore();
    await eventually(async () => (await readiness(admin)).body.status === 'ok', {
      timeoutMs: 20_000,
      what: 'auth to report the broker back',
    });
    expect(eventsUp(await (await fetch(`${admin}/metrics`)).text())).toBe('1');
    await waitForBuyerProfile(member);
  });
});
