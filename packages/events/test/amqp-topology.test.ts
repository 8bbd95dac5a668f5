// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AmqpTransport,
  createEnvelope,
  deadLetterQueueName,
  deleteTopology,
  TopologyConflictError,
  TopologyMismatchError,
  unroutableName,
  type ConsumerTopology,
  type EventEnvelope,
} from '../src/index.js';
import { registeredUser } from './consumer-semantics.js';
import { amqpUrl, amqpUrlVia, randomSuffix, testLogger } from './services.js';
import { TcpProxy } from '../src/testing/index.js';
import { waitFor } from './wait-for.js';

const retryDelaysMs = [50];

/** The list these tests run with (the package's own list is tested in topology.test.ts). */
const topology: ConsumerTopology = [
  { name: 'tests.late', types: ['auth.user.registered'], delivery: 'queue' },
  { name: 'tests.limited', types: ['auth.user.registered'], delivery: 'queue', deliveryLimit: 1 },
  { name: 'tests.live', types: ['auth.user.registered'], delivery: 'broadcast' },
];

describe('AmqpTransport topology', () => {
  /** Each case its own exchange and queue prefix, so one case's bindings never see another's events. */
  const scopes: { exchange: string; queuePrefix: string }[] = [];
  const transports: AmqpTransport[] = [];
  let side: ChannelModel;
  let channel: Channel;
  let exchange = '';
  let queuePrefix = '';

  beforeAll(async () => {
    side = await connect(amqpUrl);
    channel = await side.createConfirmChannel();
  });
  beforeEach(() => {
    exchange = `jobber.events.test.${randomSuffix()}`;
    queuePrefix = `test_${randomSuffix()}.`;
    scopes.push({ exchange, queuePrefix });
  });
  afterAll(async () => {
    await Promise.all(transports.map((transport) => transport.close()));
    await side?.close();
    for (const scope of scopes) {
      await deleteTopology(amqpUrl, {
        ...scope,
        queues: ['tests.shared', 'tests.legacy'].map((name) => scope.queuePrefix + name),
        retryDelaysMs,
        topology,
      });
    }
  });

  function transport(
    options: { topology?: ConsumerTopology; url?: string; declareQueuesOf?: string[] } = {},
  ): AmqpTransport {
    const created = new AmqpTransport({
      url: options.url ?? amqpUrl,
      exchange,
      queuePrefix,
      logger: testLogger(),
      topology: options.topology ?? topology,
      declareQueuesOf: options.declareQueuesOf,
      reconnectDelaysMs: [50, 100, 200],
    });
    transports.push(created);
    return created;
  }

  /** Takes every message now in `queue` (acknowledged), as parsed bodies with their headers. */
  async function drain(queue: string) {
    const taken: { body: EventEnvelope; headers: Record<string, unknown> }[] = [];
    for (;;) {
      const message = await channel.get(queue, { noAck: true });
      if (message === false) return taken;
      taken.push({
        body: JSON.parse(message.content.toString('utf8')) as EventEnvelope,
        headers: message.properties.headers ?? {},
      });
    }
  }

  function collector(received: EventEnvelope[]) {
    return async (raw: unknown) => {
      received.push(raw as EventEnvelope);
      return 'ack' as const;
    };
  }

  it('keeps an event no queue is bound to in <exchange>.unroutable', async () => {
    const producer = transport({ topology: [] });
    const event = createEnvelope('auth', 'auth.password.changed', {
      userId: crypto.randomUUID(),
      email: 'ada@example.test',
      username: 'ada',
      changedAt: new Date().toISOString(),
    });
    await producer.publish([event]);
    const kept = await waitFor(
      () => drain(unroutableName(exchange)),
      (messages) => messages.length > 0,
      { what: 'the unroutable event' },
    );
    expect(kept.map((message) => message.body.id)).toEqual([event.id]);
    await producer.close();
  });

  it('declares the listed queues on connect: an event published before its consumer ever started reaches it', async () => {
    const producer = transport();
    const event = createEnvelope('auth', 'auth.user.registered', registeredUser());
    await producer.publish([event]); // no consumer of tests.late has run yet
    await producer.close();
    expect(await drain(unroutableName(exchange))).toEqual([]);

    const consumerProcess = transport();
    const received: EventEnvelope[] = [];
    await consumerProcess.consume(
      { queue: 'tests.late', types: ['auth.user.registered'], retryDelaysMs },
      collector(received),
    );
    await waitFor(
      () => received.length,
      (n) => n >= 1,
      { what: 'the early event' },
    );
    expect(received.map((e) => e.id)).toEqual([event.id]);
    await consumerProcess.close();
  });

  it("declares only the named owners' listed queues when told (tests start a few subgraphs)", async () => {
    const owned: ConsumerTopology = [
      ...topology,
      { name: 'others.later', types: ['auth.user.registered'], delivery: 'queue' },
    ];
    const producer = transport({ topology: owned, declareQueuesOf: ['others'] });
    await producer.publish([createEnvelope('auth', 'auth.user.registered', registeredUser())]);
    await producer.close();
    // A passive check on a missing queue closes the channel: one channel per question.
    const exists = async (queue: string) => {
      const probe = await side.createChannel();
      probe.on('error', () => undefined);
      try {
        await probe.checkQueue(queuePrefix + queue);
        await probe.close();
        return true;
      } catch {
        return false;
      }
    };
    expect(await exists('others.later')).toBe(true);
    expect(await exists('tests.late')).toBe(false);
    expect(await exists('tests.limited')).toBe(false);
    await deleteTopology(amqpUrl, {
      exchange,
      queuePrefix,
      queues: [],
      retryDelaysMs,
      topology: owned,
    });
  });

  it('refuses a listed consumer whose types or delivery mode disagree with the list', async () => {
    const consumerProcess = transport();
    await expect(
      consumerProcess.consume(
        {
          queue: 'tests.late',
          types: ['auth.user.registered', 'auth.password.changed'],
          retryDelaysMs,
        },
        async () => 'ack',
      ),
    ).rejects.toThrow(TopologyMismatchError);
    await expect(
      consumerProcess.consume(
        {
          queue: 'tests.late',
          types: ['auth.user.registered'],
          retryDelaysMs,
          delivery: 'broadcast',
        },
        async () => 'ack',
      ),
    ).rejects.toThrow(/broadcast/);
    await consumerProcess.close();
  });

  it('uses quorum queues whose delivery limit dead-letters a message redelivered too often', async () => {
    const producer = transport();
    await producer.connect();
    const queue = `${queuePrefix}tests.limited`;
    // An equivalent declaration succeeds only if the queue has exactly these arguments.
    const quorumArgs = {
      'x-queue-type': 'quorum',
      'x-delivery-limit': 1,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': deadLetterQueueName(queue),
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    };
    await channel.assertQueue(queue, { durable: true, arguments: quorumArgs });

    const event = createEnvelope('auth', 'auth.user.registered', registeredUser());
    await producer.publish([event]);
    // A consumer that dies with the message unacknowledged, twice (limit 1): then it is dead.
    for (let delivery = 1; delivery <= 2; delivery++) {
      const message = await waitFor(
        () => channel.get(queue),
        (got) => got !== false,
        { what: `delivery ${delivery}` },
      );
      if (message !== false) channel.nack(message, false, true);
    }
    const dead = await waitFor(
      () => drain(deadLetterQueueName(queue)),
      (messages) => messages.length > 0,
      { what: 'the dead letter' },
    );
    expect(dead.map((message) => message.body.id)).toEqual([event.id]);
    const deaths = dead[0]?.headers['x-death'] as { reason: string }[];
    expect(deaths[0]?.reason).toBe('delivery_limit');
    await producer.close();
  });

  it('says what to do when an older classic queue is in the way', async () => {
    const legacy = `${queuePrefix}tests.legacy`;
    await channel.assertQueue(legacy, { durable: true });
    const consumerProcess = transport({
      topology: [{ name: 'tests.legacy', types: ['auth.user.registered'], delivery: 'queue' }],
    });
    const failure = await consumerProcess.connect().then(
      () => null,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(TopologyConflictError);
    expect(String(failure)).toMatch(/jobber-events migrate/);
    expect(String(failure)).toContain(legacy);
    await consumerProcess.close();
  });

  it('broadcast: every process gets every event, while a queue of the same name shares one copy', async () => {
    const processes = [transport({ topology: [] }), transport({ topology: [] })];
    const live = processes.map(() => [] as EventEnvelope[]);
    const shared = processes.map(() => [] as EventEnvelope[]);
    for (const [i, process] of processes.entries()) {
      const spec = {
        queue: 'tests.shared',
        types: ['auth.user.registered' as const],
        retryDelaysMs,
      };
      await process.consume({ ...spec, delivery: 'broadcast' }, collector(live[i] ?? []));
      await process.consume({ ...spec, delivery: 'queue' }, collector(shared[i] ?? []));
    }
    const events = Array.from({ length: 20 }, () =>
      createEnvelope('auth', 'auth.user.registered', registeredUser()),
    );
    await processes[0]?.publish(events);
    const ids = events.map((e) => e.id).sort();
    await waitFor(
      () => [...live, ...shared].map((list) => list.length),
      ([a = 0, b = 0, c = 0, d = 0]) => a >= 20 && b >= 20 && c + d >= 20,
      { what: 'every delivery' },
    );
    for (const received of live) expect(received.map((e) => e.id).sort()).toEqual(ids);
    expect(
      shared
        .flat()
        .map((e) => e.id)
        .sort(),
    ).toEqual(ids);
    await Promise.all(processes.map((process) => process.close()));
  });

  it('broadcast: a listed broadcast consumer is resubscribed after a reconnect', async () => {
    const proxy = await TcpProxy.start(5672);
    try {
      const process = transport({ url: amqpUrlVia(proxy.port) });
      const received: EventEnvelope[] = [];
      await process.consume(
        { queue: 'tests.live', types: ['auth.user.registered'], retryDelaysMs: [] },
        collector(received),
      );
      const publisher = transport();
      await proxy.outage(300);
      const after = createEnvelope('auth', 'auth.user.registered', registeredUser());
      // Published until the new broadcast queue is bound; only deliveries after that count.
      await waitFor(
        async () => {
          if (!received.some((e) => e.id === after.id)) await publisher.publish([after]);
          return received.some((e) => e.id === after.id);
        },
        (seen) => seen,
        { what: 'a broadcast after the reconnect' },
      );
      expect(process.connectionCount).toBeGreaterThanOrEqual(2);
      await process.close();
      await publisher.close();
    } finally {
      await proxy.close();
    }
  });
});
