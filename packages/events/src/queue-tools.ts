import {
  connect,
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type GetMessage,
  type MessagePropertyHeaders,
} from 'amqplib';
import {
  deadLetterQueueName,
  declareConsumerQueue,
  declareExchange,
  declareRetryQueues,
  retryQueueName,
} from './amqp-topology.js';
import { copiedMessageOptions, withoutDeathHeaders } from './amqp-message-copy.js';
import { attemptHeader, deadReasonHeader } from './amqp-transport.js';
import { consumerTopology, findTopologyEntry, type ConsumerTopology } from './topology.js';

/** Operator tools on the broker: dead letters, queue depths, the switch to quorum queues. */

export interface DeadLetterSummary {
  id: string | null;
  type: string | null;
  attempt: number;
  /** `rejected`, `retries-exhausted`, or the broker's `x-death` reason (`delivery_limit`, …). */
  reason: string;
}

export interface DeadLetterListing {
  queue: string;
  count: number;
  /** The first `limit` messages, oldest first. */
  messages: DeadLetterSummary[];
}

async function withChannel<T>(
  url: string,
  work: (channel: ConfirmChannel, connection: ChannelModel) => Promise<T>,
): Promise<T> {
  const connection = await connect(url);
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    try {
      return await work(channel, connection);
    } finally {
      // Closing the channel first flushes its acknowledgements: a connection close may overtake them.
      await channel.close().catch(() => undefined);
    }
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Messages ready in a queue (for metrics); rejects if the queue does not exist. */
export async function queueDepth(url: string, queue: string): Promise<number> {
  return withChannel(url, async (channel) => (await channel.checkQueue(queue)).messageCount);
}

/** Messages in a consumer queue's dead-letter queue (`queue` is the full consumer queue name). */
export function deadLetterDepth(url: string, queue: string): Promise<number> {
  return queueDepth(url, deadLetterQueueName(queue));
}

function summarise(message: GetMessage): DeadLetterSummary {
  const { properties } = message;
  const headers = properties.headers ?? {};
  let body: { id?: unknown; type?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(message.content.toString('utf8'));
    if (parsed && typeof parsed === 'object') body = parsed;
  } catch {
    // not JSON: summarised from its properties only
  }
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  const attempt = Number(headers[attemptHeader]);
  const deaths = headers['x-death'] as { reason?: unknown }[] | undefined;
  return {
    id: text(properties.messageId) ?? text(body.id),
    type: text(properties.type) ?? text(body.type),
    attempt: Number.isInteger(attempt) && attempt >= 1 ? attempt : 1,
    reason: text(headers[deadReasonHeader]) ?? text(deaths?.[0]?.reason) ?? 'unknown',
  };
}

/**
 * Counts a queue's messages and summarises the first `limit` of them. They are read without
 * acknowledging and handed back when the channel closes, in order, so nothing is removed.
 */
export async function listDeadLetters(
  url: string,
  queue: string,
  limit = 100,
): Promise<DeadLetterListing> {
  return withChannel(url, async (channel) => {
    const { messageCount } = await channel.checkQueue(queue);
    const messages: DeadLetterSummary[] = [];
    while (messages.length < Math.min(limit, messageCount)) {
      const message = await channel.get(queue, { noAck: false });
      if (message === false) break;
      messages.push(summarise(message));
    }
    return { queue, count: messageCount, messages };
  });
}

function replayHeaders(headers: MessagePropertyHeaders | undefined): Record<string, unknown> {
  const { [deadReasonHeader]: _reason, ...kept } = withoutDeathHeaders(headers);
  return { ...kept, [attemptHeader]: 1 };
}

/** Where `replay` sends a queue's messages: a queue, or an exchange with each message's type. */
export type ReplayTarget = { queue: string } | { exchange: string };

/** `q.dlq` → queue `q`; `x.unroutable` → exchange `x` (routed again by type). */
export function defaultReplayTarget(queue: string): ReplayTarget | null {
  if (queue.endsWith('.dlq')) return { queue: queue.slice(0, -'.dlq'.length) };
  if (queue.endsWith('.unroutable')) return { exchange: queue.slice(0, -'.unroutable'.length) };
  return null;
}

/**
 * Moves messages from `from` to `target`, one at a time: publish with attempt reset to 1,
 * wait for the broker's confirm, then acknowledge the original. Stopped midway, the message in
 * hand is back in `from` (and perhaps also in the target: the inbox absorbs the duplicate);
 * nothing is lost. Moves at most the messages there at the start. Returns how many moved.
 */
export async function moveMessages(
  channel: ConfirmChannel,
  from: string,
  target: ReplayTarget,
  onMoved?: (summary: DeadLetterSummary) => void,
): Promise<number> {
  const { messageCount } = await channel.checkQueue(from);
  if ('queue' in target) await channel.checkQueue(target.queue);
  else await channel.checkExchange(target.exchange);
  let moved = 0;
  while (moved < messageCount) {
    const message = await channel.get(from, { noAck: false });
    if (message === false) break;
    const summary = summarise(message);
    const { properties } = message;
    const options = copiedMessageOptions(properties, replayHeaders(properties.headers));
    await new Promise<void>((resolve, reject) => {
      const done = (err: unknown) =>
        err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve();
      if ('queue' in target) channel.sendToQueue(target.queue, message.content, options, done);
      else channel.publish(target.exchange, summary.type ?? '', message.content, options, done);
    });
    channel.ack(message);
    moved += 1;
    onMoved?.(summary);
  }
  return moved;
}

export async function replayDeadLetters(
  url: string,
  queue: string,
  target: ReplayTarget,
  onMoved?: (summary: DeadLetterSummary) => void,
): Promise<number> {
  return withChannel(url, (channel) => moveMessages(channel, queue, target, onMoved));
}

/** Whether `queue` exists, without breaking `channel` when it does not. */
async function exists(connection: ChannelModel, queue: string): Promise<boolean> {
  const probe = await connection.createChannel();
  probe.on('error', () => undefined);
  try {
    await probe.checkQueue(queue);
    await probe.close();
    return true;
  } catch {
    return false;
  }
}

/** Whether `declare` succeeds on a throwaway channel (false on PRECONDITION_FAILED). */
async function declares(
  connection: ChannelModel,
  declare: (channel: Channel) => Promise<unknown>,
): Promise<boolean> {
  const probe = await connection.createChannel();
  probe.on('error', () => undefined);
  try {
    await declare(probe);
    await probe.close();
    return true;
  } catch (err) {
    if (err instanceof Error && err.message.includes('PRECONDITION_FAILED')) return false;
    throw err;
  }
}

export interface MigrateOptions {
  url: string;
  exchange: string;
  queuePrefix: string;
  /** Consumer name (unprefixed), looked up in the topology list. */
  consumer: string;
  /** The retry delays its consumer uses. Default [1000, 10000, 60000]. */
  retryDelaysMs?: readonly number[];
  topology?: ConsumerTopology;
  log?: (line: string) => void;
}

/**
 * Switches a consumer's classic queues to quorum queues, keeping their messages: per queue a
 * temporary quorum queue `<name>.migrating` (bound like the original, so events published
 * meanwhile arrive there) takes the messages, the queue is deleted and redeclared, and the
 * messages move back. Queues that are already quorum queues are left alone. Stop the consumer
 * first. Returns the names of the queues switched.
 */
export async function migrateConsumerQueues(options: MigrateOptions): Promise<string[]> {
  const topology = options.topology ?? consumerTopology;
  const entry = findTopologyEntry(topology, options.consumer);
  if (!entry || entry.delivery !== 'queue') {
    throw new Error(`"${options.consumer}" is not a queue consumer in the topology list`);
  }
  const log = options.log ?? (() => undefined);
  const queue = options.queuePrefix + entry.name;
  const delays = options.retryDelaysMs ?? [1000, 10_000, 60_000];
  const plans: {
    name: string;
    types: readonly string[];
    declare: (c: Channel) => Promise<void>;
  }[] = [
    {
      name: deadLetterQueueName(queue),
      types: [],
      declare: async (c) => {
        await c.assertQueue(deadLetterQueueName(queue), {
          durable: true,
          arguments: { 'x-queue-type': 'quorum' },
        });
      },
    },
    {
      name: queue,
      types: entry.types,
      declare: (c) =>
        declareConsumerQueue(c, options.exchange, queue, entry.types, entry.deliveryLimit),
    },
    ...[...new Set(delays)].map((delayMs) => ({
      name: retryQueueName(queue, delayMs),
      types: [] as string[],
      declare: (c: Channel) => declareRetryQueues(c, queue, [delayMs]),
    })),
  ];
  const switched: string[] = [];
  const connection = await connect(options.url);
  connection.on('error', () => undefined);
  const confirmChannel = async () => {
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    return channel;
  };
  try {
    for (const plan of plans) {
      if (!(await exists(connection, plan.name))) {
        log(`${plan.name}: does not exist, declared new`);
        const channel = await confirmChannel();
        await plan.declare(channel);
        await channel.close();
        continue;
      }
      if (await declares(connection, plan.declare)) {
        log(`${plan.name}: already up to date`);
        continue;
      }
      const temporary = `${plan.name}.migrating`;
      const out = await confirmChannel();
      await out.assertQueue(temporary, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      for (const type of plan.types) await out.bindQueue(temporary, options.exchange, type);
      const moved = await moveMessages(out, plan.name, { queue: temporary });
      await out.deleteQueue(plan.name);
      await out.close();
      // A fresh channel: RabbitMQ 3.10 crashes a channel that used the classic queue and then
      // publishes to the quorum queue of the same name.
      const back = await confirmChannel();
      await plan.declare(back);
      for (const type of plan.types) await back.unbindQueue(temporary, options.exchange, type);
      const returned = await moveMessages(back, temporary, { queue: plan.name });
      // (quorum queues refuse `ifEmpty`: check, then delete)
      const { messageCount: left } = await back.checkQueue(temporary);
      if (left > 0) throw new Error(`${temporary} still holds ${left} message(s); run again`);
      await back.deleteQueue(temporary);
      await back.close();
      log(
        `${plan.name}: switched to a quorum queue (${moved} messages kept, ${returned} moved back)`,
      );
      switched.push(plan.name);
    }
  } finally {
    await connection.close().catch(() => undefined);
  }
  return switched;
}

/**
 * Redeclares the exchange with its alternate exchange (an exchange's arguments cannot change
 * in place): deletes it, declares it again and binds every existing listed queue. Publishes in
 * the moment between fail and are retried by the relay. Returns false if nothing was needed.
 */
export async function migrateExchange(options: {
  url: string;
  exchange: string;
  queuePrefix: string;
  topology?: ConsumerTopology;
}): Promise<boolean> {
  const topology = options.topology ?? consumerTopology;
  const connection = await connect(options.url);
  connection.on('error', () => undefined);
  try {
    if (await declares(connection, (c) => declareExchange(c, options.exchange))) return false;
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    await channel.deleteExchange(options.exchange);
    await declareExchange(channel, options.exchange);
    for (const entry of topology) {
      if (entry.delivery !== 'queue') continue;
      const queue = options.queuePrefix + entry.name;
      if (!(await exists(connection, queue))) continue;
      for (const type of entry.types) await channel.bindQueue(queue, options.exchange, type);
    }
    return true;
  } finally {
    await connection.close().catch(() => undefined);
  }
}
