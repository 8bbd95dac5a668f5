import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteTopology } from '@jobber/events';
import { testConfig } from './config.js';
import { isAlive } from './processes.js';

/**
 * Each set of names handed out is noted in a file here (`<pid>.<suffix>`) until it is deleted,
 * so a run that was killed before its clean-up leaves no queues behind for long: the next run's
 * global set-up deletes the names of processes that are gone (`deleteNamesOfDeadRuns`).
 */
const NOTES_DIR = join(tmpdir(), 'jobber-test-events');

/**
 * RabbitMQ names of their own for one test file: an exchange and a queue prefix, so files run
 * in parallel against one broker. The services' config takes them as EVENTS_EXCHANGE and
 * EVENTS_QUEUE_PREFIX; `deleteTestEvents` deletes what was declared under them.
 */
export function testEventNames() {
  const suffix = randomBytes(5).toString('hex');
  const names = {
    amqpUrl: testConfig.TEST_AMQP_URL,
    exchange: `jobber.test.${suffix}`,
    queuePrefix: `test.${suffix}.`,
  };
  mkdirSync(NOTES_DIR, { recursive: true });
  writeFileSync(noteFile(suffix), JSON.stringify(names));
  return names;
}
export type TestEventNames = ReturnType<typeof testEventNames>;

/**
 * Deletes the exchange, every listed consumer's queues under the prefix (with their retry and
 * dead-letter queues) and `queues` (unprefixed names of consumers not in the list).
 */
export async function deleteTestEvents(
  names: TestEventNames,
  queues: readonly string[] = [],
): Promise<void> {
  await deleteTopology(names.amqpUrl, {
    exchange: names.exchange,
    queues: queues.map((queue) => names.queuePrefix + queue),
    queuePrefix: names.queuePrefix,
  });
  rmSync(noteFile(suffixOf(names)), { force: true });
}

/** For the global set-up: deletes what killed runs left on the broker. Returns how many sets. */
export async function deleteNamesOfDeadRuns(): Promise<number> {
  let deleted = 0;
  let files: string[];
  try {
    files = readdirSync(NOTES_DIR);
  } catch {
    return 0;
  }
  for (const file of files) {
    const pid = Number(file.split('.')[0]);
    if (!Number.isInteger(pid) || isAlive(pid)) continue;
    const path = join(NOTES_DIR, file);
    let names: TestEventNames;
    try {
      names = JSON.parse(readFileSync(path, 'utf8')) as TestEventNames;
    } catch {
      rmSync(path, { force: true }); // half-written by a killed process
      continue;
    }
    try {
      await deleteTestEvents(names);
    } catch {
      continue; // a broker that does not answer now: the note waits for a later run
    }
    rmSync(path, { force: true });
    deleted += 1;
  }
  return deleted;
}

function noteFile(suffix: string): string {
  return join(NOTES_DIR, `${process.pid}.${suffix}`);
}

function suffixOf(names: TestEventNames): string {
  return names.exchange.slice('jobber.test.'.length);
}
