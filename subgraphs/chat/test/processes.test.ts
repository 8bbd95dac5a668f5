// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '@jobber/service-kit';
import { childProcessEnv, eventually, freePort } from '@jobber/test-kit';
import {
  ChatKit,
  SEND_TO,
  fastTimers,
  type LiveSubscription,
  type TestAccount,
} from './chat-kit.js';

// Several chat processes on one database and exchange: live events go between them by the
// events package's broadcast delivery, presence lives in the database.

const MESSAGE_ADDED = `subscription ($id: ID!) { messageAdded(conversationId: $id) { body sender { id } } }`;
const PRESENCE = `subscription { presenceChanged { user { id } online } }`;
const UPDATES = `subscription { conversationUpdated { id } }`;
const ONLINE = `query ($id: ID!) { conversation(id: $id) { otherParticipant { online } } }`;

function presenceOf(subscription: LiveSubscription, userId: string) {
  return subscription.results
    .map((result) => result.data?.['presenceChanged'] as { user: { id: string }; online: boolean })
    .filter((change) => change?.user.id === userId)
    .map((change) => change.online);
}

/** A chat process of its own (a real OS process, so it can be killed without a goodbye). */
async function spawnChat(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=@jobber/source', '--import', 'tsx', main], {
    env: childProcessEnv({ ...env, PORT: String(port), ADMIN_PORT: String(adminPort) }),
    stdio: 'ignore',
  });
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
  return { child, url: `http://127.0.0.1:${port}/graphql` };
}

describe('chat across processes', () => {
  let kit: ChatKit;
  let second: RunningService;
  let alice: TestAccount;
  let bob: TestAccount;
  let conversationId: string;

  beforeAll(async () => {
    kit = await ChatKit.start();
    second = await kit.startAnotherChat();
    [alice, bob] = (await kit.register(2)) as [TestAccount, TestAccount];
    conversationId = await kit.converse(alice, bob, 'hello');
  });
  afterAll(async () => {
    await kit?.stop();
  });

  it('delivers a message sent through one chat process to a subscriber of another', async () => {
    // The gateway sends mutations to the first process; Bob listens on the second.
    const socket = await kit.socket(second);
    const bobs = await kit.subscribe(socket, bob, MESSAGE_ADDED, { id: conversationId });
    await kit.waitForOnline(bob.id, true);
    await alice.client.data(SEND_TO, { conversationId, body: 'across processes' });
    await eventually(() => bobs.results.length === 1, { what: 'message on the second process' });
    expect(bobs.results[0]?.data).toEqual({
      messageAdded: { body: 'across processes', sender: { id: alice.id } },
    });
    await bobs.stop();
    await kit.waitForOnline(bob.id, false);
  });

  it('keeps presence right across processes: online while any process holds a subscription', async () => {
    const first = await kit.socket();
    const other = await kit.socket(second);
    const alices = await kit.subscribe(first, alice, PRESENCE);
    await kit.waitForOnline(alice.id, true);
    const onFirst = await kit.subscribe(first, bob, UPDATES);
    const onSecond = await kit.subscribe(other, bob, UPDATES);
    await kit.waitForConnections(bob.id, 2);
    await eventually(() => presenceOf(alices, bob.id).at(-1) === true, { what: 'bob online' });
    await onFirst.stop();
    // Still subscribed on the second process: still online, nothing announced.
    const { conversation } = await alice.client.data<{
      conversation: { otherParticipant: { online: boolean } };
    }>(ONLINE, { id: conversationId });
    expect(conversation.otherParticipant.online).toBe(true);
    await onSecond.stop();
    await eventually(() => presenceOf(alices, bob.id).at(-1) === false, { what: 'bob offline' });
    expect(presenceOf(alices, bob.id).slice(-2)).toEqual([true, false]);
    await alices.stop();
  });

  it('takes the users of a chat process that dies offline within the presence TTL', async () => {
    const { child, url } = await spawnChat({ ...kit.supergraph.envFor('chat'), ...fastTimers });
    try {
      const alices = await kit.subscribe(await kit.socket(), alice, PRESENCE);
      await kit.waitForConnections(alice.id, 1);
      const doomed = await kit.socket({ url });
      await kit.subscribe(doomed, bob, UPDATES);
      await eventually(() => presenceOf(alices, bob.id).at(-1) === true, { what: 'bob online' });
      child.kill('SIGKILL');
      // Nobody closes Bob's rows: they lapse, and the first process's sweep announces it.
      await eventually(() => presenceOf(alices, bob.id).at(-1) === false, {
        what: 'bob offline after the crash',
      });
      await kit.waitForOnline(bob.id, false);
      await alices.stop();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
