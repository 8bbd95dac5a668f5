import { connect } from 'amqplib';
import { deadLetterQueueName } from '@jobber/events';
import type { TestEventNames } from './event-bus.js';

async function messageCount(events: TestEventNames, queue: string): Promise<number> {
  const connection = await connect(events.amqpUrl);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}

/** How many messages wait (ready, not in flight) in a consumer's queue (`consumer` as listed, unprefixed). */
export function queueLength(events: TestEventNames, consumer: string): Promise<number> {
  return messageCount(events, events.queuePrefix + consumer);
}

/** How many messages wait in a consumer's dead-letter queue (`consumer` as listed, unprefixed). */
export function deadLetterCount(events: TestEventNames, consumer: string): Promise<number> {
  return messageCount(events, deadLetterQueueName(events.queuePrefix + consumer));
}
