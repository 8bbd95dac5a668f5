// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { connect, type ChannelModel, type Channel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AmqpTransport,
  createEnvelope,
  type AmqpTransportOptions,
  deleteTopology,
  TransportUnavailableError,
  type EventEnvelope,
  type Subscription,
} from '../src/index.js';
import { registeredUser } from './consumer-semantics.js';
import { amqpUrl, amqpUrlVia, randomSuffix, testLogger } from './services.js';
import { TcpProxy } from '../src/testing/index.js';
import { waitFor } from './wait-for.js';

const retryDelaysMs = [50];

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

describe('AmqpTransport connection handling', () => {
  const exchange = `jobber.events.test.${randomSuffix()}`;
  const queuePrefix = `test_${randomSuffix()}.`;
  const queues: string[] = [];
  const transports: AmqpTransport[] = [];
  let proxy: TcpProxy;
  let side: ChannelModel;
  let sideChannel: Channel;

  beforeAll(async () => {
    proxy = await TcpProxy.start(5672);
    side = await connect(amqpUrl);
    sideChannel = await side.createChannel();
  });
  afterAll(async () => {
    await Promise.all(transports.map((transport) => transport.close()));
    await side?.close();
    await proxy?.close();
    await deleteTopology(amqpUrl, { exchange, queues, retryDelaysMs, queuePrefix });
  });

  /** Consumers on a queue, or -1 while it does not exist (a failed check closes its channel). */
  async function consumersOn(queue: string): Promise<number> {
    const channel = await side.createChannel();
    channel.on('error', () => undefined);
    try {
      const { consumerCount } = await channel.checkQueue(queue);
      await channel.close();
      return consumerCount;
    } catch {
      return -1;
    }
  }

  function transportViaProxy(options: Partial<AmqpTransportOptions> = {}): AmqpTransport {
    const transport = new AmqpTransport({
      ...options,
      url: amqpUrlVia(proxy.port),
      exchange,
      queuePrefix,
      logger: testLogger(),
      reconnectDelaysMs: [50, 100, 200],
      confirmTimeoutMs: 2000,
    });
    transports.push(transport);
    return transport;
  }

  /** Subscribes `received` to a queue; the handler acknowledges everything. */
  async function collect(transport: AmqpTransport, purpose: string, received: EventEnvelope[]) {
    const queue = `tests.${purpose}`;
    queues.push(queuePrefix + queue);
    return transport.consume(
      { queue, types: ['auth.user.registered'], retryDelaysMs },
      async (raw) => {
        received.push(raw as EventEnvelope);
        return 'ack';
      },
    );
  }

  it('rejects publishes during an outage at once, then reconnects and resumes consuming', async () => {
    const transport = transportViaProxy();
    const received: EventEnvelope[] = [];
    const subscription = await collect(transport, 'outage', received);
    const before = createEnvelope('auth', 'auth.user.registered', registeredUser());
    await transport.publish([before]);
    await waitFor(
      () => received.length,
      (n) => n === 1,
      { what: 'the first event' },
    );

    const outage = proxy.outage(500);
    await waitFor(
      () => transport.connected,
      (connected) => !connected,
      { what: 'the lost connection' },
    );
    const started = Date.now();
    await expect(
      transport.publish([createEnvelope('auth', 'auth.user.registered', registeredUser())]),
    ).rejects.toBeInstanceOf(TransportUnavailableError);
    expect(Date.now() - started).toBeLessThan(1000);
    await outage;

    const after = createEnvelope('auth', 'auth.user.registered', registeredUser());
    await waitFor(
      () =>
        transport.publish([after]).then(
          () => true,
          () => false,
        ),
      (ok) => ok,
      { what: 'a publish after the outage' },
    );
    await waitFor(
      () => received.some((e) => e.id === after.id),
      (seen) => seen,
      {
        what: 'the consumer to resume',
      },
    );
    expect(transport.connectionCount).toBeGreaterThanOrEqual(2);
    await subscription.close();
    await transport.close();
  });

  it('calls onConnected after each connect, once its consumers receive again', async () => {
    // What is published from the moment onConnected is called reaches the consumer.
    const published: string[] = [];
    const transport = transportViaProxy({
      onConnected: () => {
        const event = createEnvelope('auth', 'auth.user.registered', registeredUser());
        published.push(event.id);
        sideChannel.publish(exchange, event.type, Buffer.from(JSON.stringify(event)));
      },
    });
    const received: EventEnvelope[] = [];
    await collect(transport, 'connected', received);
    expect(published).toHaveLength(1);
    await proxy.outage(200);
    await waitFor(
      () => published.length,
      (n) => n === 2,
      { what: 'onConnected after the reconnect' },
    );
    await waitFor(
      () => published.every((id) => received.some((event) => event.id === id)),
      (all) => all,
      { what: 'the events published at each connect' },
    );
    await transport.close();
  });

  it('redeclares its queue and resumes when the broker cancels the consumer', async () => {
    const transport = transportViaProxy();
    const received: EventEnvelope[] = [];
    await collect(transport, 'cancelled', received);
    const queue = `${queuePrefix}tests.cancelled`;
    await sideChannel.deleteQueue(queue);
    await waitFor(
      () => transport.connectionCount,
      (n) => n >= 2,
      { what: 'a reconnect' },
    );
    await waitFor(
      () => consumersOn(queue),
      (n) => n === 1,
      { what: 'the consumer back on a redeclared queue' },
    );
    const event = createEnvelope('auth', 'auth.user.registered', registeredUser());
    await transport.publish([event]);
    await waitFor(
      () => received.some((e) => e.id === event.id),
      (seen) => seen,
      {
        what: 'delivery after redeclaring',
      },
    );
    await transport.close();
  });

  it('close() stops reconnecting and leaves no timers behind', async () => {
    const baseline = activeTimers();
    const transport = transportViaProxy();
    const received: EventEnvelope[] = [];
    const subscription: Subscription = await collect(transport, 'closing', received);
    const outage = proxy.outage(300);
    await waitFor(
      () => transport.connected,
      (connected) => !connected,
      { what: 'the lost connection' },
    );
    await transport.close();
    await subscription.close();
    await outage;
    const accepted = proxy.accepted;
    await expect(transport.publish([])).resolves.toEqual({ failed: [] });
    await expect(
      transport.publish([createEnvelope('auth', 'auth.user.registered', registeredUser())]),
    ).rejects.toThrow('closed');
    expect(activeTimers()).toBeLessThanOrEqual(baseline);
    expect(proxy.accepted).toBe(accepted);
  });

  it('fails to connect quickly when the broker is unreachable, without retrying in the background', async () => {
    const unreachable = await TcpProxy.start(1); // forwards to a closed port
    const transport = new AmqpTransport({
      url: amqpUrlVia(unreachable.port),
      exchange,
      logger: testLogger(),
      connectTimeoutMs: 1000,
    });
    await expect(transport.connect()).rejects.toThrow();
    await expect(
      transport.consume({ queue: 'tests.never', types: [], retryDelaysMs }, async () => 'ack'),
    ).rejects.toThrow();
    await transport.close();
    await unreachable.close();
  });
});
