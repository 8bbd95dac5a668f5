import { randomBytes } from 'node:crypto';
import { connect, type Channel } from 'amqplib';
import { defaultDeliveryLimit, consumerTopology, type ConsumerTopology } from './topology.js';

/**
 * RabbitMQ names and declarations (docs/2026-12-02-amqp-topology.md). For exchange `x`:
 * - `x`               durable topic exchange, `alternate-exchange` = `x.unroutable`;
 * - `x.unroutable`    durable fanout exchange and quorum queue: every event no queue is bound to.
 * Per consumer queue `q` (already prefixed):
 * - `q`               quorum, bound to `x` with each event type as routing key; after
 *                     `x-delivery-limit` redeliveries the broker dead-letters to `q.dlq`;
 * - `q.retry.<ms>`    quorum, x-message-ttl = ms, dead-letters back to `q` through the default
 *                     exchange (x-dead-letter-exchange "", x-dead-letter-routing-key q);
 * - `q.dlq`           quorum, where messages end that are invalid or failed every retry.
 * Dead-lettering between quorum queues is at-least-once (RabbitMQ 3.10+).
 * A broadcast consumer gets `q.broadcast.<random>`: classic, exclusive, auto-delete.
 */
export const defaultExchange = 'jobber.events';

export function retryQueueName(queue: string, delayMs: number): string {
  return `${queue}.retry.${delayMs}`;
}

export function deadLetterQueueName(queue: string): string {
  return `${queue}.dlq`;
}

/** The alternate exchange and the queue that keep events no consumer queue is bound to. */
export function unroutableName(exchange: string): string {
  return `${exchange}.unroutable`;
}

/** A fresh name for one process's broadcast queue of consumer `queue`. */
export function broadcastQueueName(queue: string): string {
  return `${queue}.broadcast.${randomBytes(6).toString('hex')}`;
}

/** The broker refused a declaration because what exists differs (PRECONDITION_FAILED). */
export class TopologyConflictError extends Error {
  override readonly name = 'TopologyConflictError';
}

const atLeastOnceDeadLettering = {
  'x-dead-letter-strategy': 'at-least-once',
  // Required by at-least-once dead-lettering; there is no length limit, so it rejects nothing.
  'x-overflow': 'reject-publish',
};

function quorum(args: Record<string, unknown> = {}) {
  return { durable: true, arguments: { 'x-queue-type': 'quorum', ...args } };
}

const switchHelp =
  'it was probably declared by an older Jobber (classic queues, no alternate exchange). ' +
  'Stop the processes that use it, run `jobber-events migrate --exchange` and ' +
  '`jobber-events migrate <consumer>` for each listed consumer, then start again ' +
  '(see "Switching an existing broker" in packages/events/README.md)';

/** Turns a PRECONDITION_FAILED into an error that says what to do. */
function explain(err: unknown, what: string): unknown {
  const message = err instanceof Error ? err.message : String(err);
  if (!message.includes('PRECONDITION_FAILED')) return err;
  return new TopologyConflictError(
    `${what} exists with other settings: ${switchHelp}. (${message})`,
  );
}

async function declare<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw explain(err, what);
  }
}

/** The topic exchange with its alternate exchange and unroutable queue. */
export async function declareExchange(channel: Channel, exchange: string): Promise<void> {
  const unroutable = unroutableName(exchange);
  await declare(`exchange "${unroutable}"`, () =>
    channel.assertExchange(unroutable, 'fanout', { durable: true }),
  );
  await declare(`queue "${unroutable}"`, () => channel.assertQueue(unroutable, quorum()));
  await channel.bindQueue(unroutable, unroutable, '');
  await declare(`exchange "${exchange}"`, () =>
    channel.assertExchange(exchange, 'topic', {
      durable: true,
      arguments: { 'alternate-exchange': unroutable },
    }),
  );
}

/** A consumer's queue, its dead-letter queue and its bindings (what producers declare too). */
export async function declareConsumerQueue(
  channel: Channel,
  exchange: string,
  queue: string,
  types: readonly string[],
  deliveryLimit: number = defaultDeliveryLimit,
): Promise<void> {
  const dlq = deadLetterQueueName(queue);
  await declare(`queue "${dlq}"`, () => channel.assertQueue(dlq, quorum()));
  await declare(`queue "${queue}"`, () =>
    channel.assertQueue(
      queue,
      quorum({
        'x-delivery-limit': deliveryLimit,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': dlq,
        ...atLeastOnceDeadLettering,
      }),
    ),
  );
  for (const type of types) await channel.bindQueue(queue, exchange, type);
}

export async function declareRetryQueues(
  channel: Channel,
  queue: string,
  retryDelaysMs: readonly number[],
): Promise<void> {
  for (const delayMs of new Set(retryDelaysMs)) {
    const name = retryQueueName(queue, delayMs);
    await declare(`queue "${name}"`, () =>
      channel.assertQueue(
        name,
        quorum({
          'x-message-ttl': delayMs,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': queue,
          ...atLeastOnceDeadLettering,
        }),
      ),
    );
  }
}

/** Everything a `queue` consumer needs before it consumes. */
export async function declareConsumerTopology(
  channel: Channel,
  exchange: string,
  queue: string,
  types: readonly string[],
  retryDelaysMs: readonly number[],
  deliveryLimit?: number,
): Promise<void> {
  await declareExchange(channel, exchange);
  await declareConsumerQueue(channel, exchange, queue, types, deliveryLimit);
  await declareRetryQueues(channel, queue, retryDelaysMs);
}

/** The queue and bindings of every `queue` consumer in the list (each process does this at start). */
export async function declareTopologyList(
  channel: Channel,
  exchange: string,
  queuePrefix: string,
  topology: ConsumerTopology,
): Promise<void> {
  for (const entry of topology) {
    if (entry.delivery !== 'queue') continue;
    await declareConsumerQueue(
      channel,
      exchange,
      queuePrefix + entry.name,
      entry.types,
      entry.deliveryLimit,
    );
  }
}

/** One process's broadcast queue: exclusive to its connection, gone when the connection is. */
export async function declareBroadcastQueue(
  channel: Channel,
  exchange: string,
  queue: string,
  types: readonly string[],
): Promise<string> {
  await declareExchange(channel, exchange);
  const name = broadcastQueueName(queue);
  await channel.assertQueue(name, {
    durable: false,
    exclusive: true,
    autoDelete: true,
    arguments: { 'x-queue-type': 'classic' },
  });
  for (const type of types) await channel.bindQueue(name, exchange, type);
  return name;
}

export interface TopologyToDelete {
  exchange: string;
  /** Full (prefixed) consumer queue names; their `.dlq` and `.retry.<ms>` queues go too. */
  queues: readonly string[];
  /** Retry delays the consumers used. Default [1000, 10000, 60000]. */
  retryDelaysMs?: readonly number[];
  /** When given, the listed consumers' queues under this prefix go too (transports declare them). */
  queuePrefix?: string;
  /** The list the transports used. Default the package's `consumerTopology`. */
  topology?: ConsumerTopology;
}

/**
 * Deletes an exchange with its unroutable exchange and queue, and consumer queues with their
 * retry and dead-letter queues (for tests).
 */
export async function deleteTopology(url: string, topology: TopologyToDelete): Promise<void> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    const delays = topology.retryDelaysMs ?? [1000, 10_000, 60_000];
    const listed =
      topology.queuePrefix === undefined
        ? []
        : (topology.topology ?? consumerTopology).map((entry) => topology.queuePrefix + entry.name);
    for (const queue of new Set([...topology.queues, ...listed])) {
      await channel.deleteQueue(queue);
      await channel.deleteQueue(deadLetterQueueName(queue));
      for (const delayMs of new Set(delays)) {
        await channel.deleteQueue(retryQueueName(queue, delayMs));
      }
    }
    await channel.deleteExchange(topology.exchange);
    await channel.deleteQueue(unroutableName(topology.exchange));
    await channel.deleteExchange(unroutableName(topology.exchange));
    await channel.close();
  } finally {
    await connection.close();
  }
}
