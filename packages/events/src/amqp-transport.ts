import {
  connect,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  type MessagePropertyHeaders,
} from 'amqplib';
import {
  deadLetterQueueName,
  declareBroadcastQueue,
  declareConsumerTopology,
  declareExchange,
  declareTopologyList,
  defaultExchange,
  retryQueueName,
} from './amqp-topology.js';
import { copiedMessageOptions, withoutDeathHeaders } from './amqp-message-copy.js';
import type { EventEnvelope } from './envelope.js';
import { errorMessage, type EventLogger } from './logger.js';
import {
  defaultMaxMessageBytes,
  encodeForPublish,
  type PublishFailure,
  type PublishResult,
} from './publish-result.js';
import {
  defaultPrefetch,
  nextRetryDelay,
  type ConsumeSpec,
  type DeliveryOutcome,
  type EventTransport,
  type MessageHandler,
  type Subscription,
} from './transport.js';
import {
  assertConsumerMatchesTopology,
  consumerTopology,
  findTopologyEntry,
  type ConsumerTopology,
  type DeliveryMode,
} from './topology.js';

export interface AmqpTransportOptions {
  /** e.g. amqp://guest:guest@127.0.0.1:5672 */
  url: string;
  /** Topic exchange all events go through. Default "jobber.events". */
  exchange?: string;
  /** Put before every queue name (tests use a random one). Default "". */
  queuePrefix?: string;
  logger: EventLogger;
  /** Waits between reconnect attempts; the last one repeats. Default [100, 500, 1000, 2000, 5000]. */
  reconnectDelaysMs?: number[];
  /** How long a publish waits for broker confirms before it rejects. Default 10000 ms. */
  confirmTimeoutMs?: number;
  /** TCP connect + AMQP handshake time limit. Default 5000 ms. */
  connectTimeoutMs?: number;
  /**
   * The consumers whose queues and bindings are declared on every connect, and against which
   * `consume` checks a listed consumer's types. Default the package's `consumerTopology`.
   */
  topology?: ConsumerTopology;
  /**
   * Declare on connect only the `queue` consumers of these owners (a consumer's name up to its
   * first dot: `users` for `users.accounts`). Default every listed consumer, so an event
   * published before its consumer first started waits in its queue; tests name the subgraphs
   * they start, so a test file declares a handful of queues rather than the whole list.
   */
  declareQueuesOf?: readonly string[];
  /** Larger message bodies are not published (reported as permanent failures). Default 1 MiB. */
  maxMessageBytes?: number;
  /**
   * Called after every connection (the first and each reconnect) once the topology and every
   * consumer are set up on it, with the number of connections so far: from then on a broadcast
   * consumer receives again, so its owner can fetch what it missed while it was not connected.
   */
  onConnected?: (connections: number) => void;
}

/** Raised while the transport has no usable connection (it is reconnecting, or closed). */
export class TransportUnavailableError extends Error {
  override readonly name = 'TransportUnavailableError';
}

/** Header carrying the delivery attempt (1 = first delivery). */
export const attemptHeader = 'x-attempt';
/** Header on dead-lettered messages: "rejected" (invalid) or "retries-exhausted". */
export const deadReasonHeader = 'x-dead-reason';

interface ConsumerState {
  spec: ConsumeSpec;
  /** Prefixed queue name (for broadcast: the base of the per-connection queue's name). */
  queue: string;
  delivery: DeliveryMode;
  deliveryLimit: number | undefined;
  onMessage: MessageHandler;
  /** The connection this consumer's channel belongs to, and the set-up on it. */
  setupFor: ChannelModel | null;
  setup: Promise<void> | null;
  channel: ConfirmChannel | null;
  consumerTag: string | null;
  inFlight: number;
  idleWaiters: (() => void)[];
  closing: boolean;
}

/**
 * EventTransport over RabbitMQ (amqplib promise API). Publishes on a ConfirmChannel to a durable
 * topic exchange (routing key = event type, persistent JSON); each consumer gets its own channel,
 * durable queue, retry queues and dead-letter queue. When the connection or a channel is lost it
 * reconnects with back-off, redeclares the topology and resumes every consumer; publishes during
 * the outage reject at once.
 */
export class AmqpTransport implements EventTransport {
  readonly exchange: string;
  readonly queuePrefix: string;
  private readonly url: string;
  private readonly logger: EventLogger;
  private readonly reconnectDelaysMs: number[];
  private readonly confirmTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly topology: ConsumerTopology;
  private readonly declaredTopology: ConsumerTopology;
  private readonly maxMessageBytes: number;
  private readonly onConnected: ((connections: number) => void) | undefined;

  private connection: ChannelModel | null = null;
  private publishChannel: ConfirmChannel | null = null;
  private connecting: Promise<ChannelModel> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectAttempt = 0;
  private everConnected = false;
  private closed = false;
  private readonly consumers = new Set<ConsumerState>();
  /** Number of connections established so far (1 + reconnects); for tests and metrics. */
  connectionCount = 0;

  constructor(options: AmqpTransportOptions) {
    this.url = options.url;
    this.exchange = options.exchange ?? defaultExchange;
    this.queuePrefix = options.queuePrefix ?? '';
    this.logger = options.logger;
    this.reconnectDelaysMs = options.reconnectDelaysMs ?? [100, 500, 1000, 2000, 5000];
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.topology = options.topology ?? consumerTopology;
    this.declaredTopology = declaredPart(this.topology, options.declareQueuesOf);
    this.maxMessageBytes = options.maxMessageBytes ?? defaultMaxMessageBytes;
    this.onConnected = options.onConnected;
  }

  /** Connects now (otherwise the first publish or consume does). Rejects if the broker is unreachable. */
  async connect(): Promise<void> {
    await this.ensureConnection();
  }

  /** Connected, or connecting now; rejects while the broker is unreachable. */
  async ready(): Promise<void> {
    await this.ensureConnection();
  }

  get connected(): boolean {
    return this.connection !== null;
  }

  async publish(envelopes: EventEnvelope[]): Promise<PublishResult> {
    if (envelopes.length === 0) return { failed: [] };
    const connection = await this.ensureConnection();
    const channel = this.publishChannel;
    if (!channel || this.connection !== connection) {
      throw new TransportUnavailableError('AMQP publish channel is not available');
    }
    const { bodies, failed } = encodeForPublish(envelopes, this.maxMessageBytes);
    const confirms = bodies.map(
      ({ envelope, body }) =>
        new Promise<PublishFailure | null>((resolve) => {
          channel.publish(
            this.exchange,
            envelope.type,
            body,
            {
              persistent: true,
              contentType: 'application/json',
              messageId: envelope.id,
              type: envelope.type,
              appId: envelope.producer,
              timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000),
            },
            (err: unknown) =>
              resolve(
                err ? { id: envelope.id, error: toError(err).message, permanent: false } : null,
              ),
          );
        }),
    );
    let outcomes: (PublishFailure | null)[];
    try {
      outcomes = await withTimeout(
        Promise.all(confirms),
        this.confirmTimeoutMs,
        'publisher confirms',
      );
    } catch (err) {
      // A confirm that never comes means a dead connection the socket has not noticed yet.
      if (err instanceof TimeoutError) this.dropConnection(connection, err.message);
      throw err;
    }
    // A channel that closed under the batch fails every pending confirm: an outage, not a
    // refusal of these messages.
    if (this.publishChannel !== channel || this.connection !== connection) {
      throw new TransportUnavailableError('AMQP publish channel closed before every confirm came');
    }
    for (const outcome of outcomes) if (outcome) failed.push(outcome);
    return { failed };
  }

  async consume(spec: ConsumeSpec, onMessage: MessageHandler): Promise<Subscription> {
    if (this.closed) throw new TransportUnavailableError('AMQP transport is closed');
    const listed = findTopologyEntry(this.topology, spec.queue);
    if (listed) {
      assertConsumerMatchesTopology(spec.queue, spec.types, spec.delivery, this.topology);
    } else {
      this.logger.warn(
        { queue: spec.queue },
        'amqp: consumer is not in the topology list; its queue exists only from its first start',
      );
    }
    const consumer: ConsumerState = {
      spec,
      queue: this.queuePrefix + spec.queue,
      delivery: listed?.delivery ?? spec.delivery ?? 'queue',
      deliveryLimit: listed?.deliveryLimit,
      onMessage,
      setupFor: null,
      setup: null,
      channel: null,
      consumerTag: null,
      inFlight: 0,
      idleWaiters: [],
      closing: false,
    };
    this.consumers.add(consumer);
    let connection: ChannelModel | null = null;
    try {
      connection = await this.ensureConnection();
      await this.setUpConsumer(connection, consumer);
    } catch (err) {
      // During an outage the reconnect loop sets the consumer up later. Otherwise (never
      // connected, or the broker refused the declarations on a live connection) report it.
      const outage =
        this.everConnected &&
        !this.closed &&
        (connection === null || this.connection !== connection);
      if (!outage) {
        this.consumers.delete(consumer);
        throw err;
      }
      this.logger.warn(
        { queue: consumer.queue, err: errorMessage(err) },
        'amqp: consumer will start after reconnect',
      );
    }
    return { close: () => this.closeConsumer(consumer) };
  }

  /** Stops consumers (waiting for their messages in flight), closes channels and the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    await Promise.all([...this.consumers].map((consumer) => this.closeConsumer(consumer)));
    await this.connecting?.catch(() => undefined);
    const connection = this.connection;
    this.connection = null;
    this.publishChannel = null;
    if (connection) await connection.close().catch(() => undefined);
  }

  private ensureConnection(): Promise<ChannelModel> {
    if (this.closed) {
      return Promise.reject(new TransportUnavailableError('AMQP transport is closed'));
    }
    if (this.connection) return Promise.resolve(this.connection);
    if (this.connecting) return this.connecting;
    if (this.reconnectTimer) {
      return Promise.reject(new TransportUnavailableError('AMQP connection lost; reconnecting'));
    }
    return this.startConnecting();
  }

  private startConnecting(): Promise<ChannelModel> {
    const attempt = this.openConnection().then(
      (connection) => {
        this.connecting = null;
        this.reconnectAttempt = 0;
        return connection;
      },
      (err: unknown) => {
        this.connecting = null;
        if (this.everConnected) this.scheduleReconnect(err);
        throw err;
      },
    );
    this.connecting = attempt;
    return attempt;
  }

  private async openConnection(): Promise<ChannelModel> {
    const connection = await connect(this.url, { timeout: this.connectTimeoutMs });
    connection.on('error', (err: Error) => {
      this.logger.warn({ err: err.message }, 'amqp: connection error');
    });
    connection.on('close', () => this.onConnectionClosed(connection));
    if (this.closed) {
      await connection.close().catch(() => undefined);
      throw new TransportUnavailableError('AMQP transport is closed');
    }
    try {
      const channel = await connection.createConfirmChannel();
      this.watchChannel(connection, channel, 'publish', () => this.publishChannel === channel);
      await declareExchange(channel, this.exchange);
      await declareTopologyList(channel, this.exchange, this.queuePrefix, this.declaredTopology);
      this.connection = connection;
      this.publishChannel = channel;
      this.everConnected = true;
      this.connectionCount += 1;
      await Promise.all([...this.consumers].map((c) => this.setUpConsumer(connection, c)));
    } catch (err) {
      this.dropConnection(connection, errorMessage(err));
      throw err;
    }
    this.logger.info(
      {
        exchange: this.exchange,
        consumers: this.consumers.size,
        connections: this.connectionCount,
      },
      'amqp: connected',
    );
    try {
      this.onConnected?.(this.connectionCount);
    } catch (err) {
      this.logger.warn({ err: errorMessage(err) }, 'amqp: onConnected threw');
    }
    return connection;
  }

  private onConnectionClosed(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = null;
    this.publishChannel = null;
    for (const consumer of this.consumers) {
      if (consumer.setupFor === connection) {
        consumer.setupFor = null;
        consumer.setup = null;
        consumer.channel = null;
        consumer.consumerTag = null;
      }
    }
    if (this.closed) return;
    this.logger.warn({ exchange: this.exchange }, 'amqp: connection lost');
    this.scheduleReconnect(new Error('connection closed'));
  }

  private scheduleReconnect(cause: unknown): void {
    if (this.closed || this.reconnectTimer || this.connecting) return;
    const delays = this.reconnectDelaysMs;
    const delay = delays[Math.min(this.reconnectAttempt, delays.length - 1)] ?? 1000;
    this.reconnectAttempt += 1;
    this.logger.info(
      { attempt: this.reconnectAttempt, delayMs: delay, cause: errorMessage(cause) },
      'amqp: reconnect scheduled',
    );
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.closed || this.connection || this.connecting) return;
      this.startConnecting().catch((err: unknown) => {
        this.logger.warn({ err: errorMessage(err) }, 'amqp: reconnect failed');
      });
    }, delay);
  }

  /** Closes a connection that is no longer trustworthy; its close event triggers the reconnect. */
  private dropConnection(connection: ChannelModel, reason: string): void {
    this.logger.warn({ reason }, 'amqp: dropping connection');
    connection.close().catch(() => undefined);
  }

  private watchChannel(
    connection: ChannelModel,
    channel: ConfirmChannel,
    role: string,
    isCurrent: () => boolean,
  ): void {
    channel.on('error', (err: Error) => {
      this.logger.warn({ role, err: err.message }, 'amqp: channel error');
    });
    channel.on('close', () => {
      // A channel closed by the broker while its connection lives on: start over cleanly.
      if (!this.closed && isCurrent() && this.connection === connection) {
        this.dropConnection(connection, `${role} channel closed`);
      }
    });
  }

  private setUpConsumer(connection: ChannelModel, consumer: ConsumerState): Promise<void> {
    if (consumer.closing) return Promise.resolve();
    if (consumer.setupFor === connection && consumer.setup) return consumer.setup;
    consumer.setupFor = connection;
    consumer.setup = this.openConsumerChannel(connection, consumer);
    return consumer.setup;
  }

  private async openConsumerChannel(
    connection: ChannelModel,
    consumer: ConsumerState,
  ): Promise<void> {
    const channel = await connection.createConfirmChannel();
    this.watchChannel(
      connection,
      channel,
      `consumer ${consumer.queue}`,
      () => consumer.channel === channel && !consumer.closing,
    );
    const { spec } = consumer;
    const queue =
      consumer.delivery === 'broadcast'
        ? await declareBroadcastQueue(channel, this.exchange, consumer.queue, spec.types)
        : consumer.queue;
    if (consumer.delivery === 'queue') {
      await declareConsumerTopology(
        channel,
        this.exchange,
        queue,
        spec.types,
        spec.retryDelaysMs,
        consumer.deliveryLimit,
      );
    }
    await channel.prefetch(spec.prefetch ?? defaultPrefetch);
    consumer.channel = channel;
    const { consumerTag } = await channel.consume(queue, (message) => {
      if (message === null) {
        // The broker cancelled the consumer (e.g. its queue was deleted): redeclare everything.
        if (!consumer.closing) this.dropConnection(connection, `consumer ${queue} cancelled`);
        return;
      }
      void this.onDelivery(consumer, channel, message);
    });
    consumer.consumerTag = consumerTag;
  }

  private async onDelivery(
    consumer: ConsumerState,
    channel: ConfirmChannel,
    message: ConsumeMessage,
  ): Promise<void> {
    consumer.inFlight += 1;
    try {
      const text = message.content.toString('utf8');
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        raw = text;
      }
      const attempt = readAttempt(message.properties.headers);
      let outcome: DeliveryOutcome;
      try {
        outcome = await consumer.onMessage(raw, { attempt });
      } catch (err) {
        this.logger.warn({ queue: consumer.queue, err: errorMessage(err) }, 'amqp: handler threw');
        outcome = 'retry';
      }
      if (consumer.delivery === 'broadcast') {
        // At most once per process: a failed broadcast delivery is logged, not retried.
        if (outcome !== 'ack') {
          this.logger.warn(
            { queue: consumer.queue, outcome },
            'amqp: broadcast delivery failed; dropped',
          );
        }
      } else if (outcome === 'retry') {
        const delay = nextRetryDelay(consumer.spec.retryDelaysMs, attempt);
        if (delay === null) {
          await this.forward(channel, deadLetterQueueName(consumer.queue), message, {
            [attemptHeader]: attempt,
            [deadReasonHeader]: 'retries-exhausted',
          });
        } else {
          await this.forward(channel, retryQueueName(consumer.queue, delay), message, {
            [attemptHeader]: attempt + 1,
          });
        }
      } else if (outcome === 'dead') {
        await this.forward(channel, deadLetterQueueName(consumer.queue), message, {
          [attemptHeader]: attempt,
          [deadReasonHeader]: 'rejected',
        });
      }
      channel.ack(message);
    } catch (err) {
      // The channel died before the message was settled: the broker redelivers it.
      this.logger.warn(
        { queue: consumer.queue, err: errorMessage(err) },
        'amqp: delivery left unsettled; it will be redelivered',
      );
    } finally {
      consumer.inFlight -= 1;
      if (consumer.inFlight === 0) {
        for (const wake of consumer.idleWaiters.splice(0)) wake();
      }
    }
  }

  /** Copies a delivery to another queue (retry or dead-letter) and waits for the confirm. */
  private async forward(
    channel: ConfirmChannel,
    queue: string,
    message: ConsumeMessage,
    extraHeaders: Record<string, unknown>,
  ): Promise<void> {
    const { properties } = message;
    const confirmed = new Promise<void>((resolve, reject) => {
      channel.sendToQueue(
        queue,
        message.content,
        copiedMessageOptions(properties, {
          ...withoutDeathHeaders(properties.headers),
          ...extraHeaders,
        }),
        (err: unknown) => (err ? reject(toError(err)) : resolve()),
      );
    });
    await withTimeout(confirmed, this.confirmTimeoutMs, `confirm of forward to ${queue}`);
  }

  private async closeConsumer(consumer: ConsumerState): Promise<void> {
    if (consumer.closing) return;
    consumer.closing = true;
    await consumer.setup?.catch(() => undefined);
    const { channel, consumerTag } = consumer;
    if (channel && consumerTag) await channel.cancel(consumerTag).catch(() => undefined);
    if (consumer.inFlight > 0) {
      await new Promise<void>((resolve) => consumer.idleWaiters.push(resolve));
    }
    if (channel) await channel.close().catch(() => undefined);
    consumer.channel = null;
    this.consumers.delete(consumer);
  }
}

class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function readAttempt(headers: MessagePropertyHeaders | undefined): number {
  const value: unknown = headers?.[attemptHeader];
  const attempt = typeof value === 'number' ? value : Number(value);
  return Number.isInteger(attempt) && attempt >= 1 ? attempt : 1;
}

/** The entries of `topology` whose owner is in `owners` (all of them when `owners` is not given). */
function declaredPart(topology: ConsumerTopology, owners?: readonly string[]): ConsumerTopology {
  if (owners === undefined) return topology;
  const wanted = new Set(owners);
  return topology.filter((entry) => wanted.has(entry.name.split('.')[0] ?? ''));
}
