// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { parseChatConfig, startChatService } from '@jobber/chat';
import type { RunningService } from '@jobber/service-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';
import {
  childProcessEnv,
  eventually,
  freePort,
  signAccessToken,
  signUpMember,
  startTestSupergraph,
  waitForBuyerProfile,
  type Member,
  type TestSupergraph,
} from '@jobber/test-kit';
import { ChatWorld, SEND_MESSAGE, chatTimers } from './chat-kit.js';
import { gatewaySocket, subscribeTo, type Received } from './subscription-client.js';

// Issue 15, "Acceptance": several chat and gateway processes. Gateway A serves chat process 1,
// gateway B chat process 2 (on one database and exchange); a chat process of its own OS
// process is killed under live subscriptions.

const MESSAGE_ADDED = `subscription ($id: ID!) {
  messageAdded(conversationId: $id) { body sender { id username } }
}`;
const PRESENCE = `subscription { presenceChanged { user { id } online } }`;
const UPDATES = `subscription { conversationUpdated { id } }`;
const ONLINE = `query ($id: ID!) { conversation(id: $id) { otherParticipant { online } } }`;

let supergraph: TestSupergraph;
let chat: ChatWorld;
let secondChat: RunningService;
let gatewayB: { url: string };
let alice: Member;
let bob: Member;
let conversationId: string;
const token: Record<string, string> = {};
const children: ChildProcess[] = [];

function bodies(received: Received): string[] {
  return received.results
    .map((result) => (result.data as { messageAdded?: { body: string } } | null)?.messageAdded)
    .filter((message): message is { body: string } => message !== undefined)
    .map((message) => message.body);
}

function presenceOf(received: Received, userId: string): boolean[] {
  return received.results
    .map(
      (result) =>
        (result.data as { presenceChanged?: { user: { id: string }; online: boolean } } | null)
          ?.presenceChanged,
    )
    .filter((change) => change?.user.id === userId)
    .map((change) => change?.online === true);
}

/** A chat process of its own OS process (so it can be killed without a goodbye) on `port`. */
async function spawnChat(port: number): Promise<ChildProcess> {
  const adminPort = await freePort();
  const main = fileURLToPath(new URL('../../subgraphs/chat/src/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=@jobber/source', '--import', 'tsx', main], {
    env: childProcessEnv({
      ...supergraph.envFor('chat'),
      ...chatTimers,
      PORT: String(port),
      ADMIN_PORT: String(adminPort),
    }),
    stdio: 'ignore',
  });
  children.push(child);
  await eventually(
    async () => {
      try {
        return (await fetch(`http://127.0.0.1:${adminPort}/readyz`)).ok;
      } catch {
        return false;
      }
    },
    { what: 'the spawned chat process ready', timeoutMs: 30_000 },
  );
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  supergraph = await startTestSupergraph(
    {
      auth: (env) => startAuthService(parseAuthConfig(env)),
      users: (env) => startUsersService(parseUsersConfig(env)),
      chat: (env) => startChatService(parseChatConfig({ ...env, ...chatTimers })),
    },
    { gatewayEnv: { SUBSCRIPTION_UPSTREAM_IDLE_MS: '0' } },
  );
  chat = ChatWorld.open(supergraph);
  secondChat = await startChatService(
    parseChatConfig({ ...supergraph.envFor('chat'), ...chatTimers }),
  );
  gatewayB = await supergraph.startAnotherGateway({ CHAT_URL: secondChat.url });
  [alice, bob] = await Promise.all([
    signUpMember(supergraph.client),
    signUpMember(supergraph.client),
  ]);
  await Promise.all([alice, bob].map((member) => waitForBuyerProfile(member)));
  await chat.knows(alice, bob);
  for (const member of [alice, bob]) {
    token[member.id] = await signAccessToken(supergraph.keys, { userId: member.id });
  }
  const { sendMessage } = await alice.client.data<{
    sendMessage: { conversation: { id: string } };
  }>(SEND_MESSAGE, { recipientId: bob.id, body: 'Hello Bob' });
  conversationId = sendMessage.conversation.id;
}, 90_000);
afterAll(async () => {
  await Promise.all(children.map(kill));
  await chat?.close();
  await secondChat?.stop(1_000);
  await supergraph?.stop();
});

describe('chat across chat and gateway processes', () => {
  it('delivers a message sent through gateway A to a subscriber on gateway B, in order', async () => {
    const bobs = gatewaySocket(gatewayB.url, token[bob.id]);
    const live = subscribeTo(bobs, MESSAGE_ADDED, { id: conversationId });
    await chat.waitForOnline(bob.id, true);
    // Sent through gateway A (chat process 1): the mutation and the subscription share no process.
    for (const body of ['one', 'two', 'three']) {
      await alice.client.data(SEND_MESSAGE, { conversationId, body });
    }
    await eventually(() => bodies(live).length === 3, { what: 'three messages on gateway B' });
    expect(bodies(live)).toEqual(['one', 'two', 'three']);
    expect(live.results[0]?.data).toEqual({
      messageAdded: { body: 'one', sender: { id: alice.id, username: alice.username } },
    });
    await bobs.dispose();
    await chat.waitForOnline(bob.id, false);
  });

  it('keeps presence right across processes: online while any gateway holds a subscription', async () => {
    const alices = gatewaySocket(supergraph.gatewayUrl, token[alice.id]);
    const presence = subscribeTo(alices, PRESENCE);
    await chat.waitForOnline(alice.id, true);
    const bobOnline = async () =>
      (
        await alice.client.data<{ conversation: { otherParticipant: { online: boolean } } }>(
          ONLINE,
          { id: conversationId },
        )
      ).conversation.otherParticipant.online;
    expect(await bobOnline()).toBe(false);

    // Bob on gateway B (chat 2) and on gateway A (chat 1): one row per chat process.
    const onB = gatewaySocket(gatewayB.url, token[bob.id]);
    const onA = gatewaySocket(supergraph.gatewayUrl, token[bob.id]);
    subscribeTo(onB, UPDATES);
    await eventually(() => presenceOf(presence, bob.id).at(-1) === true, {
      what: 'Bob online at Alice (across gateways)',
    });
    subscribeTo(onA, UPDATES);
    await chat.waitForConnections(bob.id, 2);
    expect(await bobOnline()).toBe(true);

    await onB.dispose();
    await chat.waitForConnections(bob.id, 1);
    expect(await bobOnline()).toBe(true);
    await onA.dispose();
    await eventually(() => presenceOf(presence, bob.id).at(-1) === false, {
      what: 'Bob offline at Alice',
    });
    // Exactly the two transitions: nothing announced for the second or the first-closed socket.
    expect(presenceOf(presence, bob.id)).toEqual([true, false]);
    expect(await bobOnline()).toBe(false);
    await alices.dispose();
  });

  it('resumes a live stream when a killed chat process is back within the retries', async () => {
    const port = await freePort();
    const first = await spawnChat(port);
    const gateway = await supergraph.startAnotherGateway({
      CHAT_URL: `http://127.0.0.1:${port}/graphql`,
      SUBSCRIPTION_UPSTREAM_IDLE_MS: '0',
      SUBSCRIPTION_UPSTREAM_RETRIES: '20',
      SUBSCRIPTION_UPSTREAM_RETRY_MS: '50',
    });
    const bobs = gatewaySocket(gateway.url, token[bob.id]);
    const live = subscribeTo(bobs, MESSAGE_ADDED, { id: conversationId });
    await chat.waitForOnline(bob.id, true);
    await alice.client.data(SEND_MESSAGE, { conversationId, body: 'before the crash' });
    await eventually(() => bodies(live).length === 1, { what: 'the first message' });

    await kill(first);
    await spawnChat(port);
    // The gateway reconnects and resubscribes: Bob's stream (never ended) gets new messages.
    await eventually(
      async () => {
        await alice.client.data(SEND_MESSAGE, { conversationId, body: 'after the restart' });
        return bodies(live).includes('after the restart');
      },
      { what: 'a message after the restart', intervalMs: 200, timeoutMs: 20_000 },
    );
    expect(bodies(live)[0]).toBe('before the crash');
    expect(live.results.every((result) => result.errors === undefined)).toBe(true);
    expect(bobs.closeCode()).toBeUndefined();
    await bobs.dispose();
  });

  it('ends a live stream with UNAVAILABLE naming chat when the chat process stays away', async () => {
    const port = await freePort();
    const only = await spawnChat(port);
    const gateway = await supergraph.startAnotherGateway({
      CHAT_URL: `http://127.0.0.1:${port}/graphql`,
      SUBSCRIPTION_UPSTREAM_IDLE_MS: '0',
      SUBSCRIPTION_UPSTREAM_RETRIES: '2',
      SUBSCRIPTION_UPSTREAM_RETRY_MS: '20',
    });
    const bobs = gatewaySocket(gateway.url, token[bob.id]);
    const live = subscribeTo(bobs, MESSAGE_ADDED, { id: conversationId });
    await chat.waitForOnline(bob.id, true);
    await kill(only);
    expect(await live.ended).toEqual({ completed: true });
    expect(live.results.at(-1)?.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'UNAVAILABLE', subgraph: 'chat' }),
      }),
    ]);
    // The client's socket stays open for its other subscriptions (and a resubscribe).
    expect(bobs.closeCode()).toBeUndefined();
    // The killed process's presence row lapses: Bob goes offline within TTL + sweep.
    await chat.waitForOnline(bob.id, false);
    await bobs.dispose();
  });
});
