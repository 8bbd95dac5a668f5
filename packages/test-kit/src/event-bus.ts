import { randomBytes } from 'node:crypto';
import { testConfig } from './config.js';

/**
 * RabbitMQ names of their own for one test file: an exchange and a queue prefix, so files run
 * in parallel against one broker. The services' config takes them as EVENTS_EXCHANGE and
 * EVENTS_QUEUE_PREFIX; `cleanup` deletes what was declared.
 */
export function testEventNames() {
  const suffix = randomBytes(5).toString('hex');
  return {
    amqpUrl: testConfig.TEST_AMQP_URL,
    exchange: `jobber.test.${suffix}`,
    queuePrefix: `test.${suffix}.`,
  };
}
export type TestEventNames = ReturnType<typeof testEventNames>;
