import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmqpTransport, createEnvelope, deleteTopology } from '@jobber/events';
import { TcpProxy } from '@jobber/events/testing';
import { createLogger } from '@jobber/service-kit';
import type { RevokedSessionsSource } from '../src/revocation-catch-up.js';
import { RevocationFeed } from '../src/revocation-feed.js';
import { RevokedSessions, type RevokedSession } from '../src/revoked-sessions.js';

// The gateway's revocation feed against the real broker, reached through a proxy this file cuts;
// auth's answer to the catch-up is a function here (the real call is tested in schema/test).
const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const suffix = randomBytes(5).toString('hex');
const events = {
  amqpUrl: AMQP_URL,
  exchange: `jobber.test.${suffix}`,
  queuePrefix: `test.${suffix}.`,
};
const logger = createLogger({ service: 'gateway-test', level: 'silent' });

let proxy: TcpProxy;
let publisher: AmqpTransport;
const feeds: RevocationFeed[] = [];

beforeAll(async () => {
  proxy = await TcpProxy.start(5672);
  publisher = new AmqpTransport({ ...events, url: AMQP_URL, logger });
  await publisher.connect();
});
afterAll(async () => {
  await Promise.all(feeds.map((feed) => feed.close()));
  await publisher?.close();
  await proxy?.close();
  await deleteTopology(AMQP_URL, { ...events, queues: [] });
});

/** Polls `probe` until it holds (bounded), failing with `what`. */
async function until(probe: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Auth's side of the catch-up: the sessions it holds, failing while `down` is set. */
interface FakeAuth {
  sessions: RevokedSession[];
  calls: Date[];
  down: boolean;
  source: RevokedSessionsSource;
}

function fakeAuth(): FakeAuth {
  const auth: FakeAuth = {
    sessions: [],
    calls: [],
    down: false,
    source: async (since) => {
      auth.calls.push(since);
      if (auth.down) throw new Error('auth answered UNAVAILABLE');
      return auth.sessions.filter((session) => session.revokedAt >= since);
    },
  };
  return auth;
}

function startFeed(auth: FakeAuth, amqpUrl = proxy.urlThrough(AMQP_URL)) {
  const revoked = new RevokedSessions();
  const feed = new RevocationFeed({
    revoked,
    events: { ...events, amqpUrl },
    catchUp: auth.source,
    logger,
  });
  feeds.push(feed);
  return { feed, revoked, started: feed.start() };
}

const revokedEvent = (sessionIds: string[]) =>
  createEnvelope('auth', 'auth.sessions.revoked', {
    userId: randomUUID(),
    sessionIds,
    reason: 'SIGN_OUT_EVERYWHERE',
    revokedAt: new Date().toISOString(),
  });

describe('RevocationFeed', () => {
  it('catches up at start, then follows the events', async () => {
    const auth = fakeAuth();
    const earlier = randomUUID();
    auth.sessions.push({ id: earlier, revokedAt: new Date() });
    const { feed, revoked, started } = startFeed(auth);
    await started;
    // Caught up once, over the last access-token lifetime.
    expect(revoked.has(earlier)).toBe(true);
    expect(auth.calls).toHaveLength(1);
    expect(Date.now() - (auth.calls[0]?.getTime() ?? 0)).toBeGreaterThan(15 * 60_000);
    expect(feed.problem()).toBeNull();

    const live = randomUUID();
    await publisher.publish([revokedEvent([live])]);
    await until(() => revoked.has(live), 'the published revocation');
    expect(auth.calls).toHaveLength(1);
    await feed.close();
  });

  it('starts without the broker, says so, keeps trying and follows once it is up', async () => {
    proxy.cut(); // refuses every connection until restored
    const auth = fakeAuth();
    const { feed, revoked, started } = startFeed(auth);
    await started;
    expect(feed.problem()).toMatch(/^broker: .+; retrying$/);
    await expect(feed.readiness().check()).rejects.toThrow(/^broker: /);
    expect(feed.readiness().critical).toBe(false);
    // The start still caught up from auth.
    expect(auth.calls).toHaveLength(1);
    const attempts = proxy.accepted;

    proxy.restore();
    await until(() => feed.problem() === null, 'the feed to subscribe');
    expect(proxy.accepted).toBeGreaterThan(attempts);
    await expect(feed.readiness().check()).resolves.toBeUndefined();
    // Caught up again once bound: what was published before that is in auth's table.
    expect(auth.calls).toHaveLength(2);
    const live = randomUUID();
    await publisher.publish([revokedEvent([live])]);
    await until(() => revoked.has(live), 'the published revocation');
    await feed.close();
  });

  it('after a lost connection catches up what it missed, retrying while auth fails', async () => {
    const auth = fakeAuth();
    const { feed, revoked, started } = startFeed(auth);
    await started;
    expect(feed.problem()).toBeNull();

    proxy.cut();
    await until(() => feed.problem() !== null, 'the feed to notice the cut');
    expect(feed.problem()).toBe('broker: connection lost; reconnecting');
    // Revoked and published while this process is not connected: the event never reaches it.
    const missed = randomUUID();
    const missedAt = new Date();
    await publisher.publish([revokedEvent([missed])]);
    auth.sessions.push({ id: missed, revokedAt: missedAt });
    auth.down = true;
    const calls = auth.calls.length;

    proxy.restore();
    await until(() => auth.calls.length >= calls + 2, 'catch-ups retried while auth fails');
    expect(feed.problem()).toMatch(/^catch-up from auth: failed \(auth answered UNAVAILABLE\)/);
    expect(revoked.has(missed)).toBe(false);

    auth.down = false;
    await until(() => revoked.has(missed), 'the missed revocation, from auth');
    await until(() => feed.problem() === null, 'the feed to be whole again');
    await feed.close();
  });

  it('closes while still trying to reach the broker, leaving no timers', async () => {
    const timers = () =>
      process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const baseline = timers();
    const closedPort = await TcpProxy.start(1); // forwards to a closed port
    const auth = fakeAuth();
    const { feed, started } = startFeed(auth, closedPort.urlThrough(AMQP_URL));
    await started;
    expect(feed.problem()).toMatch(/^broker: .+; retrying$/);
    await feed.close();
    await closedPort.close();
    expect(timers()).toBeLessThanOrEqual(baseline);
  });
});
