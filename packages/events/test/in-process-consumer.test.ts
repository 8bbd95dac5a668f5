import { InProcessTransport } from '../src/index.js';
import { describeConsumerSemantics } from './consumer-semantics.js';

describeConsumerSemantics('InProcessTransport', async () => {
  const transport = new InProcessTransport();
  return {
    transport,
    async injectRaw(routingKey, text) {
      transport.publishRaw(routingKey, text);
    },
    async deadLetters(queue) {
      return transport.deadLetters
        .filter((letter) => letter.queue === queue)
        .map(({ body, reason, attempt }) => ({ body, reason, attempt }));
    },
    async cleanup() {},
  };
});
