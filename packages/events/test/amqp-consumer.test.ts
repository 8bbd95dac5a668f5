// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { connect } from 'amqplib';
import {
  AmqpTransport,
  attemptHeader,
  deadLetterQueueName,
  deadReasonHeader,
  deleteTopology,
} from '../src/index.js';
import { describeConsumerSemantics, type DeadLetterView } from './consumer-semantics.js';
import { amqpUrl, randomSuffix, testLogger } from './services.js';

describeConsumerSemantics('AmqpTransport', async () => {
  const exchange = `jobber.events.test.${randomSuffix()}`;
  const queuePrefix = `test_${randomSuffix()}.`;
  const transport = new AmqpTransport({
    url: amqpUrl,
    exchange,
    queuePrefix,
    logger: testLogger(),
  });
  await transport.connect();
  // A separate connection plays the other side: raw publishes and reading dead-letter queues.
  const side = await connect(amqpUrl);
  const channel = await side.createConfirmChannel();
  const seen = new Map<string, DeadLetterView[]>();
  return {
    transport,
    async injectRaw(routingKey, text) {
      channel.publish(exchange, routingKey, Buffer.from(text), { persistent: true });
      await channel.waitForConfirms();
    },
    async deadLetters(queue) {
      const letters = seen.get(queue) ?? [];
      seen.set(queue, letters);
      for (;;) {
        const message = await channel.get(deadLetterQueueName(queuePrefix + queue), {
          noAck: true,
        });
        if (message === false) return [...letters];
        const text = message.content.toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
        const headers = message.properties.headers ?? {};
        letters.push({
          body,
          reason: String(headers[deadReasonHeader]),
          attempt: Number(headers[attemptHeader]),
        });
      }
    },
    async cleanup(queues, retryDelaysMs) {
      await side.close();
      await deleteTopology(amqpUrl, {
        exchange,
        queues: queues.map((queue) => queuePrefix + queue),
        retryDelaysMs,
        queuePrefix,
      });
    },
  };
});
