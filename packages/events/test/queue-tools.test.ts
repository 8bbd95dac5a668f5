// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliConfig, CliConfigError } from '../src/config.js';
import { main } from '../src/cli.js';
import {
  AmqpTransport,
  createEnvelope,
  deadLetterQueueName,
  deleteTopology,
  retryQueueName,
  unroutableName,
  type ConsumerTopology,
  type DeliveryMeta,
  type EventEnvelope,
} from '../src/index.js';
import {
  deadLetterDepth,
  migrateConsumerQueues,
  migrateExchange,
  queueDepth,
  replayDeadLetters,
} from '../src/queue-tools.js';
import { registeredUser } from './consumer-semantics.js';
import { amqpUrl, randomSuffix, testLogger } from './services.js';
import { waitFor } from './wait-for.js';

const topology: ConsumerTopology = [
  { name: 'tests.dead', types: ['auth.user.registered'], delivery: 'queue' },
  { name: 'tests.legacy', types: ['auth.user.registered'], delivery: 'queue' },
];
const defaultDelays = [1000, 10_000, 60_000];

describe('jobber-events: dead letters, depths and the switch to quorum queues', () => {
  const exchange = `jobber.events.test.${randomSuffix()}`;
  const queuePrefix = `test_${randomSuffix()}.`;
  const dead = `${queuePrefix}tests.dead`;
  const oldExchange = `${exchange}.old`;
  const oldPrefix = `${queuePrefix}old.`;
  let side: ChannelModel;
  let channel: ConfirmChannel;
  const transports: AmqpTransport[] = [];

  beforeAll(async () => {
    side = await connect(amqpUrl);
    channel = await side.createConfirmChannel();
  });
  afterAll(async () => {
    await Promise.all(transports.map((transport) => transport.close()));
    await side?.close();
    for (const [scopeExchange, scopePrefix] of [
      [exchange, queuePrefix],
      [oldExchange, oldPrefix],
    ] as const) {
      const legacyQueue = `${scopePrefix}tests.legacy`;
      await deleteTopology(amqpUrl, {
        exchange: scopeExchange,
        // a run stopped midway may leave the temporary queues of the switch
        queues: [deadLetterQueueName(legacyQueue), legacyQueue].map((q) => `${q}.migrating`),
        retryDelaysMs: [...defaultDelays, 50],
        queuePrefix: scopePrefix,
        topology,
      });
    }
  });

  /** Runs the CLI as the bin does, with this file's broker names; returns exit code and lines. */
  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      argv,
      () =>
        parseCliConfig({
          AMQP_URL: amqpUrl,
          EVENTS_EXCHANGE: exchange,
          EVENTS_QUEUE_PREFIX: queuePrefix,
        }),
      { out: (line) => out.push(line), err: (line) => err.push(line) },
    );
    return { code, out, err };
  }

  it('validates its configuration and names the bad variable', async () => {
    expect(() => parseCliConfig({ AMQP_URL: 'http://127.0.0.1' })).toThrow(/AMQP_URL/);
    expect(() => parseCliConfig({ AMQP_URL: 'http://127.0.0.1' })).toThrow(CliConfigError);
    expect(parseCliConfig({ EVENTS_EXCHANGE: '' })).toEqual({
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
      exchange: 'jobber.events',
      queuePrefix: '',
    });
    const failed = await main(['dlq', 'list', 'x'], () => parseCliConfig({ AMQP_URL: 'nope' }), {
      out: () => undefined,
      err: () => undefined,
    });
    expect(failed).toBe(2);
    expect((await cli('dlq')).code).toBe(2);
  });

  it('lists dead letters without removing them, then replays them with the attempt reset', async () => {
    const transport = new AmqpTransport({
      url: amqpUrl,
      exchange,
      queuePrefix,
      logger: testLogger(),
      topology,
    });
    transports.push(transport);
    let failing = true;
    const handled: { id: string; attempt: number }[] = [];
    await transport.consume(
      { queue: 'tests.dead', types: ['auth.user.registered'], retryDelaysMs: [50] },
      async (raw: unknown, meta: DeliveryMeta) => {
        if (failing) return 'retry';
        handled.push({ id: (raw as EventEnvelope).id, attempt: meta.attempt });
        return 'ack';
      },
    );
    const events = Array.from({ length: 3 }, () =>
      createEnvelope('auth', 'auth.user.registered', registeredUser()),
    );
    await transport.publish(events);
    await waitFor(
      () => deadLetterDepth(amqpUrl, dead),
      (n) => n === 3,
      { what: 'three dead letters' },
    );

    const listed = await cli('dlq', 'list', deadLetterQueueName(dead));
    expect(listed.code).toBe(0);
    expect(listed.out[0]).toBe(`${deadLetterQueueName(dead)}: 3 message(s)`);
    for (const event of events) {
      expect(listed.out).toContain(
        `  id=${event.id} type=auth.user.registered attempt=2 reason=retries-exhausted`,
      );
    }
    expect(await deadLetterDepth(amqpUrl, dead)).toBe(3); // listing removed nothing

    failing = false;
    const replayed = await cli('dlq', 'replay', deadLetterQueueName(dead));
    expect(replayed.code).toBe(0);
    expect(replayed.out.at(-1)).toBe(
      `${deadLetterQueueName(dead)}: 3 message(s) moved to queue ${dead}`,
    );
    await waitFor(
      () => handled.length,
      (n) => n >= 3,
      { what: 'the replayed events handled' },
    );
    expect(handled.map((h) => h.id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(handled.every((h) => h.attempt === 1)).toBe(true);
    expect(await deadLetterDepth(amqpUrl, dead)).toBe(0);
    await transport.close();
  });

  it('loses nothing when a replay stops midway', async () => {
    const target = `${queuePrefix}tests.dead`; // no consumer now: replayed messages wait there
    const dlq = deadLetterQueueName(target);
    const ids = Array.from({ length: 4 }, () => crypto.randomUUID());
    for (const id of ids) {
      channel.sendToQueue(dlq, Buffer.from(JSON.stringify({ id })), {
        messageId: id,
        headers: { 'x-attempt': 3, 'x-dead-reason': 'retries-exhausted' },
      });
    }
    await channel.waitForConfirms();
    let moved = 0;
    await expect(
      replayDeadLetters(amqpUrl, dlq, { queue: target }, () => {
        moved += 1;
        if (moved === 2) throw new Error('operator pressed ctrl-c');
      }),
    ).rejects.toThrow('ctrl-c');
    expect(await queueDepth(amqpUrl, dlq)).toBe(2);
    expect(await queueDepth(amqpUrl, target)).toBe(2);
    expect((await cli('dlq', 'replay', dlq)).code).toBe(0);
    const arrived: { id: string; attempt: unknown; reason: unknown }[] = [];
    for (;;) {
      const message = await channel.get(target, { noAck: true });
      if (message === false) break;
      const headers = message.properties.headers ?? {};
      arrived.push({
        id: String(message.properties.messageId),
        attempt: headers['x-attempt'],
        reason: headers['x-dead-reason'],
      });
    }
    expect(arrived.map((a) => a.id).sort()).toEqual([...ids].sort());
    expect(arrived.every((a) => a.attempt === 1 && a.reason === undefined)).toBe(true);
  });

  it('routes unroutable events again by type with dlq replay <exchange>.unroutable', async () => {
    const unroutable = unroutableName(exchange);
    const event = createEnvelope('auth', 'auth.user.registered', registeredUser());
    channel.sendToQueue(unroutable, Buffer.from(JSON.stringify(event)), {
      messageId: event.id,
      type: event.type,
    });
    await channel.waitForConfirms();
    const replayed = await cli('dlq', 'replay', unroutable);
    expect(replayed.out.at(-1)).toBe(`${unroutable}: 1 message(s) moved to exchange ${exchange}`);
    const message = await waitFor(
      () => channel.get(dead, { noAck: true }),
      (got) => got !== false,
      { what: 'the event in its queue' },
    );
    expect(message !== false && message.properties.messageId).toBe(event.id);
    expect((await cli('depth', unroutable)).out).toEqual([`${unroutable}: 0`]);
  });

  it('switches an older broker: exchange and classic queues, keeping every message', async () => {
    // What an older version left: an exchange without alternate exchange, classic queues.
    const queue = `${oldPrefix}tests.legacy`;
    await channel.assertExchange(oldExchange, 'topic', { durable: true });
    await channel.assertQueue(deadLetterQueueName(queue), { durable: true });
    await channel.assertQueue(queue, { durable: true });
    await channel.bindQueue(queue, oldExchange, 'auth.user.registered');
    await channel.assertQueue(retryQueueName(queue, 1000), {
      durable: true,
      arguments: {
        'x-message-ttl': 1000,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': queue,
      },
    });
    for (let i = 0; i < 5; i++) {
      const event = createEnvelope('auth', 'auth.user.registered', registeredUser());
      channel.publish(oldExchange, event.type, Buffer.from(JSON.stringify(event)), {
        messageId: event.id,
        persistent: true,
      });
    }
    channel.sendToQueue(deadLetterQueueName(queue), Buffer.from('{}'), { persistent: true });
    await channel.waitForConfirms();

    const options = {
      url: amqpUrl,
      exchange: oldExchange,
      queuePrefix: oldPrefix,
      logger: testLogger(),
      topology,
    };
    const before = new AmqpTransport(options);
    await expect(before.connect()).rejects.toThrow(/jobber-events migrate --exchange/);
    await before.close();

    const run = (...argv: string[]) =>
      main(
        argv,
        () =>
          parseCliConfig({
            AMQP_URL: amqpUrl,
            EVENTS_EXCHANGE: oldExchange,
            EVENTS_QUEUE_PREFIX: oldPrefix,
          }),
        { out: () => undefined, err: () => undefined },
      );
    // The CLI migrates the package's list; this case migrates its own list's consumer.
    expect(
      await migrateExchange({
        url: amqpUrl,
        exchange: oldExchange,
        queuePrefix: oldPrefix,
        topology,
      }),
    ).toBe(true);
    const switched = await migrateConsumerQueues({
      url: amqpUrl,
      exchange: oldExchange,
      queuePrefix: oldPrefix,
      consumer: 'tests.legacy',
      topology,
    });
    expect(switched).toEqual([deadLetterQueueName(queue), queue, retryQueueName(queue, 1000)]);
    expect(await queueDepth(amqpUrl, queue)).toBe(5);
    expect(await queueDepth(amqpUrl, deadLetterQueueName(queue))).toBe(1);
    expect(await run('migrate', '--exchange')).toBe(0); // again: nothing to do

    // Now the current version starts, and the binding still routes.
    const after = new AmqpTransport(options);
    transports.push(after);
    await after.connect();
    await after.publish([createEnvelope('auth', 'auth.user.registered', registeredUser())]);
    await waitFor(
      () => queueDepth(amqpUrl, queue),
      (n) => n === 6,
      { what: 'the new event in the switched queue' },
    );
    await after.close();
  });
});
