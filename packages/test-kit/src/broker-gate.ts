import { Socket } from 'node:net';
import type { Reporter, TestModule } from 'vitest/node';
import { redactedUrl, testConfig } from './config.js';

// Loaded by vitest.shared.ts at config time (so: no @jobber/* imports).

/** The tag of tests that need RabbitMQ itself: a file says so with `// @module-tag broker`. */
export const BROKER_TAG = 'broker';

/** Whether a TCP connection to the broker of TEST_AMQP_URL opens within `timeoutMs`. */
export function brokerReachable(url = testConfig.TEST_AMQP_URL, timeoutMs = 2_000) {
  const { hostname, port } = new URL(url);
  return new Promise<boolean>((resolve) => {
    const socket = new Socket();
    const done = (reachable: boolean) => {
      socket.destroy();
      resolve(reachable);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port || 5672), hostname.replace(/^\[(.*)\]$/, '$1'), () => done(true));
  });
}

/**
 * The `broker` tag for vitest's config: its tests run when RabbitMQ is reachable and are skipped
 * otherwise, with one line saying how many and how to run them. With JOBBER_REQUIRE_BROKER=1
 * (CI) a broker that is not reachable fails the run instead.
 */
export async function brokerGate() {
  const url = redactedUrl(testConfig.TEST_AMQP_URL);
  const reachable = await brokerReachable();
  if (!reachable && testConfig.JOBBER_REQUIRE_BROKER) {
    throw new Error(
      `JOBBER_REQUIRE_BROKER is set and RabbitMQ is not reachable at ${url} (TEST_AMQP_URL)`,
    );
  }
  const tag = { name: BROKER_TAG, description: `needs RabbitMQ (TEST_AMQP_URL, ${url})` };
  return reachable
    ? { tag, reporters: [] }
    : { tag: { ...tag, skip: true }, reporters: [new BrokerSkipReport(url)] };
}

/** Prints one line when tests were skipped for want of a broker. */
class BrokerSkipReport implements Reporter {
  constructor(private readonly url: string) {}

  onTestRunEnd(modules: readonly TestModule[]): void {
    let skipped = 0;
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        if (test.tags.includes(BROKER_TAG) && test.result().state === 'skipped') skipped += 1;
      }
    }
    if (skipped === 0) return;
    console.log(
      `\nSkipped ${skipped} tests that need RabbitMQ: it is not reachable at ${this.url} (TEST_AMQP_URL). ` +
        'To run them, start it (`rabbitmq-server -detached`, or `docker compose up -d rabbitmq`) and run again; ' +
        'JOBBER_REQUIRE_BROKER=1 makes a missing broker fail the run.\n',
    );
  }
}
