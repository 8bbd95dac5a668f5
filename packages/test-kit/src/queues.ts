import { connect } from 'amqplib';
import { deadLetterQueueName } from '@jobber/events';
import type { TestEventNames } from './event-bus.js';

/** How many messages wait in a consumer's dead-letter queue (`consumer` as listed, unprefixed). */
export async function deadLetterCount(events: TestEventNames, consumer: string): Promise<number> {
  const connection = await connect(events.amqpUrl);
  try {
    const channel = await connection.createChannel();
    const queue = deadLetterQueueName(events.queuePrefix + consumer);
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}
