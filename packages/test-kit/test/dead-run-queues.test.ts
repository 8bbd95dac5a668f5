// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { spawnSync } from 'node:child_process';
import { readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { AmqpTransport } from '@jobber/events';
import { deleteNamesOfDeadRuns } from '../src/event-bus.js';
import { testEventNames } from '../src/index.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const notes = join(tmpdir(), 'jobber-test-events');

async function queueExists(url: string, queue: string): Promise<boolean> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    return await channel.checkQueue(queue).then(
      () => true,
      () => false,
    );
  } finally {
    await connection.close().catch(() => undefined);
  }
}

describe('queues of killed test runs', () => {
  it("are deleted by a later run's set-up once the process that made them is gone, and only then", async () => {
    const names = testEventNames();
    const transport = new AmqpTransport({ ...names, url: names.amqpUrl, logger: silent });
    await transport.connect(); // declares every listed consumer's queue
    await transport.close();
    const queue = `${names.queuePrefix}users.accounts`;
    expect(await queueExists(names.amqpUrl, queue)).toBe(true);

    await deleteNamesOfDeadRuns(); // this process is alive: its names stay
    expect(await queueExists(names.amqpUrl, queue)).toBe(true);

    // Hand the note to a process that has exited, as a killed run's worker would leave it.
    const deadPid = spawnSync(process.execPath, ['-e', 'process.pid']).pid ?? 0;
    const suffix = names.exchange.slice('jobber.test.'.length);
    renameSync(join(notes, `${process.pid}.${suffix}`), join(notes, `${deadPid}.${suffix}`));
    expect(await deleteNamesOfDeadRuns()).toBeGreaterThanOrEqual(1);
    expect(await queueExists(names.amqpUrl, queue)).toBe(false);
    expect(readdirSync(notes)).not.toContain(`${deadPid}.${suffix}`);
  });
});
