import { connect, type Channel } from 'amqplib';

/**
 * RabbitMQ names and declarations. Per consumer queue `q` (already prefixed):
 * - `q`               durable, bound to the topic exchange with each event type as routing key;
 * - `q.retry.<ms>`    durable, x-message-ttl = ms, dead-letters back to `q` through the default
 *                     exchange (x-dead-letter-exchange "", x-dead-letter-routing-key q);
 * - `q.dlq`           durable, where messages end that are invalid or failed every retry.
 */
export const defaultExchange = 'jobber.events';

export function retryQueueName(queue: string, delayMs: number): string {
  return `${queue}.retry.${delayMs}`;
}

export function deadLetterQueueName(queue: string): string {
  return `${queue}.dlq`;
}

export async function declareExchange(channel: Channel, exchange: string): Promise<void> {
  await channel.assertExchange(exchange, 'topic', { durable: true });
}

export async function declareConsumerTopology(
  channel: Channel,
  exchange: string,
  queue: string,
  types: readonly string[],
  retryDelaysMs: readonly number[],
): Promise<void> {
  await declareExchange(channel, exchange);
  await channel.assertQueue(queue, { durable: true });
  for (const type of types) await channel.bindQueue(queue, exchange, type);
  for (const delayMs of new Set(retryDelaysMs)) {
    await channel.assertQueue(retryQueueName(queue, delayMs), {
      durable: true,
      arguments: {
        'x-message-ttl': delayMs,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': queue,
      },
    });
  }
  await channel.assertQueue(deadLetterQueueName(queue), { durable: true });
}

export interface TopologyToDelete {
  exchange: string;
  /** Full (prefixed) consumer queue names; their `.dlq` and `.retry.<ms>` queues go too. */
  queues: readonly string[];
  /** Retry delays the consumers used. Default [1000, 10000, 60000]. */
  retryDelaysMs?: readonly number[];
}

/** Deletes an exchange and consumer queues with their retry and dead-letter queues (for tests). */
export async function deleteTopology(url: string, topology: TopologyToDelete): Promise<void> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    const delays = topology.retryDelaysMs ?? [1000, 10_000, 60_000];
    for (const queue of topology.queues) {
      await channel.deleteQueue(queue);
      await channel.deleteQueue(deadLetterQueueName(queue));
      for (const delayMs of new Set(delays)) {
        await channel.deleteQueue(retryQueueName(queue, delayMs));
      }
    }
    await channel.deleteExchange(topology.exchange);
    await channel.close();
  } finally {
    await connection.close();
  }
}
