// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { parseUsersConfig, startUsersService } from '@jobber/users';
import {
  SIGN_UP_MUTATION,
  eventually,
  memberSignUpInput,
  signAccessToken,
  signUpMember,
  startTestSupergraph,
  statementCounter,
  waitForBuyerProfile,
  type Member,
  type TestSupergraph,
  uniqueTag,
} from '@jobber/test-kit';
import { TICKS_SDL, startTicksSubgraph, type TicksSubgraph } from './fixtures/ticks-subgraph.js';
import { gatewaySocket, subscribeTo } from './subscription-client.js';

// Issue 15, "Gateway subscriptions": graphql-ws on the gateway's /graphql, planned across
// subgraphs, against a fixture subgraph whose ticks carry auth's and users' User.
const statements = { auth: statementCounter() };
let supergraph: TestSupergraph;
let ticks: TicksSubgraph;
let member: Member;
let token: string;

const TICKS = `subscription($stream: String!) {
  ticks(stream: $stream) { seq stream user { id username buyerProfile { country } } }
}`;

beforeAll(async () => {
  supergraph = await startTestSupergraph(
    {
      auth: (env) => startAuthService(parseAuthConfig(env), { onQuery: statements.auth.onQuery }),
      users: (env) => startUsersService(parseUsersConfig(env)),
    },
    {
      fixtures: [
        {
          name: 'ticks',
          sdl: TICKS_SDL,
          start: async (keys) => {
            ticks = await startTicksSubgraph({ internalPublicKeyPem: keys.internal.publicKeyPem });
            return ticks;
          },
        },
      ],
      gatewayEnv: {
        SUBSCRIPTIONS_PER_CONNECTION: '3',
        SUBSCRIPTION_CONNECTIONS_PER_USER: '6',
        SUBSCRIPTION_UPSTREAM_RETRIES: '1',
        SUBSCRIPTION_UPSTREAM_RETRY_MS: '20',
        SUBSCRIPTION_UPSTREAM_IDLE_MS: '0',
        MAX_QUERY_DEPTH: '6',
        SUBSCRIPTION_QUEUE_SIZE: '20',
      },
    },
  );
  member = await signUpMember(supergraph.client);
  await waitForBuyerProfile(member);
  token = await signAccessToken(supergraph.keys, { userId: member.id });
});
afterAll(() => supergraph?.stop());

describe('subscriptions through the gateway', () => {
  it('delivers every event in order with fields of other subgraphs resolved per event', async () => {
    const client = gatewaySocket(supergraph.gatewayUrl, token);
    const got = subscribeTo(client, TICKS, { stream: 'order' });
    await eventually(() => ticks.subscribers('order') === 1);
    for (let i = 0; i < 10; i += 1) ticks.publish('order', member.id);
    await eventually(() => got.results.length === 10);
    expect(
      got.results.map((result) => (result.data as { ticks: { seq: number } }).ticks.seq),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(got.results[0]).toEqual({
      data: {
        ticks: {
          seq: 1,
          stream: 'order',
          user: {
            id: member.id,
            username: member.username,
            buyerProfile: { country: expect.any(String) },
          },
        },
      },
    });
    await client.dispose();
  });

  it('refuses a bad token with 4401, and closes a socket with 4401 when its token expires', async () => {
    const bad = gatewaySocket(supergraph.gatewayUrl, 'not-a-token');
    const refused = subscribeTo(bad, TICKS, { stream: 'bad' });
    expect(await refused.ended).toMatchObject({ code: 4401 });

    const shortLived = await signAccessToken(supergraph.keys, {
      userId: member.id,
      expiresInSeconds: 2,
    });
    const expiring = gatewaySocket(supergraph.gatewayUrl, shortLived);
    const live = subscribeTo(expiring, TICKS, { stream: 'expiring' });
    await eventually(() => ticks.subscribers('expiring') === 1);
    expect(await live.ended).toMatchObject({ code: 4401 });
    // The upstream subscription goes with the last subscriber.
    await eventually(() => ticks.subscribers('expiring') === 0);
  });

  it('closes the socket of a session revoked later with 4401, and refuses it from then on', async () => {
    const input = memberSignUpInput(`revoked_${uniqueTag()}`);
    await supergraph.client.data(SIGN_UP_MUTATION, { input });
    const signUpToken = await supergraph.client.mailbox?.signUpToken(input.email);
    const { completeSignUp } = await supergraph.client.data<{
      completeSignUp: { accessToken: string };
    }>(`mutation($input: CompleteSignUpInput!) { completeSignUp(input: $input) { accessToken } }`, {
      input: { token: signUpToken },
    });
    const session = completeSignUp.accessToken;
    const client = gatewaySocket(supergraph.gatewayUrl, session);
    const live = subscribeTo(client, TICKS, { stream: 'revoked' });
    await eventually(() => ticks.subscribers('revoked') === 1);
    await supergraph.client.request('mutation { signOutEverywhere }', {}, { token: session });
    expect(await live.ended).toMatchObject({ code: 4401 });
    const again = subscribeTo(gatewaySocket(supergraph.gatewayUrl, session), TICKS, {
      stream: 'revoked',
    });
    expect(await again.ended).toMatchObject({ code: 4401 });
  });

  it('keeps the subgraph error codes and masks the rest', async () => {
    const client = gatewaySocket(supergraph.gatewayUrl, token);
    const forbidden = subscribeTo(client, TICKS, { stream: 'forbidden' });
    await forbidden.ended;
    expect(forbidden.results.at(-1)?.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const anonymous = gatewaySocket(supergraph.gatewayUrl);
    const mine = subscribeTo(anonymous, 'subscription { myTicks { seq } }');
    await mine.ended;
    expect(mine.results.at(-1)?.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    await client.dispose();
    await anonymous.dispose();
  });

  it('applies the HTTP operation limits and its own', async () => {
    const client = gatewaySocket(supergraph.gatewayUrl, token);
    const deep = subscribeTo(
      client,
      `subscription { ticks(stream: "deep") { user { sellerProfile { user { sellerProfile { user { sellerProfile { user { id } } } } } } } } }`,
    );
    expect(await deep.ended).toMatchObject({
      error: [
        expect.objectContaining({
          extensions: expect.objectContaining({ code: 'BAD_REQUEST', limit: 'depth' }),
        }),
      ],
    });
    // A root field under @skip/@include (graphql-js lets it through; its variable form makes
    // graphql-js's validation throw) is refused as invalid, not an internal error.
    for (const conditional of [
      `subscription { ticks(stream: "s") @skip(if: true) { seq } }`,
      `subscription ($on: Boolean!) { ticks(stream: "s") @include(if: $on) { seq } }`,
      `subscription { ... on Subscription @include(if: false) { ticks(stream: "s") { seq } } }`,
    ]) {
      const refused = subscribeTo(client, conditional, { on: true });
      expect(await refused.ended).toMatchObject({
        error: [
          expect.objectContaining({
            extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }),
          }),
        ],
      });
    }
    const query = subscribeTo(client, '{ viewer { id } }');
    expect(await query.ended).toMatchObject({
      error: [
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_REQUEST' }) }),
      ],
    });

    const held = [1, 2, 3].map((n) => subscribeTo(client, TICKS, { stream: `held-${n}` }));
    await eventually(() => ticks.subscribers('held-3') === 1);
    const fourth = subscribeTo(client, TICKS, { stream: 'held-4' });
    expect(await fourth.ended).toMatchObject({
      error: [
        expect.objectContaining({
          extensions: expect.objectContaining({ code: 'TOO_MANY_REQUESTS' }),
        }),
      ],
    });
    for (const one of held) one.stop();
    await client.dispose();

    // Seven sockets at once: six are held and one is refused with 4429. Which one is refused
    // depends on the order the gateway sees them in (and on when it has seen the socket above
    // close), so the test waits for six held streams and takes the refusal that came.
    const sockets = Array.from({ length: 7 }, () => gatewaySocket(supergraph.gatewayUrl, token));
    const subs = sockets.map((socket, n) => subscribeTo(socket, TICKS, { stream: `conn-${n}` }));
    await eventually(
      () => subs.filter((_, n) => ticks.subscribers(`conn-${n}`) === 1).length === 6,
      { what: 'six streams held' },
    );
    expect(await Promise.race(subs.map((sub) => sub.ended))).toMatchObject({ code: 4429 });
    await Promise.all(sockets.map((socket) => socket.dispose()));
  });

  it('shares one upstream stream and resolves each event once for identical subscribers', async () => {
    // Baseline: one subscriber, three events; auth's statements for the usernames.
    const one = gatewaySocket(supergraph.gatewayUrl, token);
    const alone = subscribeTo(one, TICKS, { stream: 'fan-1' });
    await eventually(() => ticks.subscribers('fan-1') === 1);
    statements.auth.reset();
    for (let i = 0; i < 3; i += 1) ticks.publish('fan-1', member.id);
    await eventually(() => alone.results.length === 3);
    const baseline = statements.auth.count;
    await one.dispose();

    const sockets = Array.from({ length: 5 }, () => gatewaySocket(supergraph.gatewayUrl, token));
    const subs = sockets.map((socket) => subscribeTo(socket, TICKS, { stream: 'fan-5' }));
    await eventually(() => ticks.opened > 0 && ticks.subscribers('fan-5') === 1);
    // Give every client its subscribe: all five are in once the gateway fans out to five.
    const probe = () => ticks.publish('fan-5', null);
    await eventually(() => {
      probe();
      return subs.every((sub) => sub.results.length > 0);
    });
    expect(ticks.subscribers('fan-5')).toBe(1);
    for (const sub of subs) sub.results.length = 0;
    statements.auth.reset();
    for (let i = 0; i < 3; i += 1) ticks.publish('fan-5', member.id);
    await eventually(() =>
      subs.every(
        (sub) =>
          sub.results.filter((r) => (r.data as { ticks: { user: unknown } }).ticks.user).length ===
          3,
      ),
    );
    expect(statements.auth.count).toBe(baseline);
    await Promise.all(sockets.map((socket) => socket.dispose()));
    await eventually(() => ticks.subscribers('fan-5') === 0);
  });

  it('closes the socket of a client that stops reading with 1013, and leaves its stream', async () => {
    const socket = new WebSocket(
      supergraph.gatewayUrl.replace(/^http/, 'ws'),
      'graphql-transport-ws',
    );
    const messages: string[] = [];
    socket.on('message', (data: Buffer) => messages.push(data.toString().slice(0, 40)));
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(
      JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } }),
    );
    await eventually(() => messages.some((message) => message.includes('connection_ack')));
    socket.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: 'subscription { ticks(stream: "slow") { seq padding(bytes: 200000) } }' },
      }),
    );
    await eventually(() => ticks.subscribers('slow') === 1);
    // The client stops reading: the kernel's buffers fill, then the gateway's queue (20).
    const raw = (socket as unknown as { _socket: Socket })._socket;
    raw.pause();
    await eventually(
      () => {
        if (ticks.subscribers('slow') === 0) return true;
        for (let i = 0; i < 20; i += 1) ticks.publish('slow');
        return false;
      },
      { intervalMs: 50, timeoutMs: 30_000 },
    );
    raw.resume();
    expect(await closed).toBe(1013);
  });

  it('cleans the upstream stream when a client disconnects', async () => {
    const client = gatewaySocket(supergraph.gatewayUrl, token);
    subscribeTo(client, TICKS, { stream: 'leaving' });
    await eventually(() => ticks.subscribers('leaving') === 1);
    await client.dispose();
    await eventually(() => ticks.subscribers('leaving') === 0);
  });

  it('ends subscriptions with UNAVAILABLE naming the subgraph when it is gone', async () => {
    const client = gatewaySocket(supergraph.gatewayUrl, token);
    const got = subscribeTo(client, TICKS, { stream: 'doomed' });
    await eventually(() => ticks.subscribers('doomed') === 1);
    await ticks.stop();
    expect(await got.ended).toEqual({ completed: true });
    expect(got.results.at(-1)?.errors?.[0]).toMatchObject({
      extensions: { code: 'UNAVAILABLE', subgraph: 'ticks' },
    });
    await client.dispose();
  });
});
