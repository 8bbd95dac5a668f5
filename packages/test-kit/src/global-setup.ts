import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, stopEmbeddedPostgresIn } from '@jobber/db';
import { redactedUrl, testConfig, useTestPostgres } from './config.js';
import { deleteNamesOfDeadRuns } from './event-bus.js';
import { freePort } from './free-port.js';
import { isAlive } from './processes.js';

/** Folders of the runs' embedded clusters: `<tmp>/jobber-test-postgres-<pid of the run>-<random>`. */
const PREFIX = 'jobber-test-postgres-';

/**
 * vitest's global set-up (every workspace, vitest.shared.ts): when PostgreSQL is not reachable
 * at TEST_POSTGRES_URL, starts an embedded one for this run, points the test processes at it and
 * stops it at the end. A machine with nothing but Node runs `npm test`.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  const swept = await deleteNamesOfDeadRuns();
  if (swept > 0) console.log(`Deleted the RabbitMQ queues of ${swept} test files of killed runs.`);
  if (await postgresReachable(testConfig.TEST_POSTGRES_URL)) return undefined;
  await removeFoldersOfDeadRuns();
  const dir = await mkdtemp(join(tmpdir(), `${PREFIX}${process.pid}-`));
  const postgres = await startEmbeddedPostgres({ dir, port: await freePort(), ephemeral: true });
  useTestPostgres(postgres.adminUrl);
  console.log(
    `PostgreSQL is not reachable at ${redactedUrl(testConfig.TEST_POSTGRES_URL)} (TEST_POSTGRES_URL): ` +
      `this run uses an embedded one on 127.0.0.1:${postgres.port}${postgres.created ? '' : ' (kept)'}.`,
  );
  return async () => {
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  };
}

async function postgresReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch (error) {
    // Refused, unresolvable, timed out: not there. Anything else (a wrong password) is there.
    const code = (error as NodeJS.ErrnoException).code;
    return !(
      code === 'ECONNREFUSED' ||
      code === 'ENOTFOUND' ||
      code === 'EHOSTUNREACH' ||
      /timeout/i.test(String((error as Error).message))
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A run that was killed leaves its cluster folder (and maybe its server) behind. */
async function removeFoldersOfDeadRuns(): Promise<void> {
  for (const name of await readdir(tmpdir())) {
    const pid = Number(name.startsWith(PREFIX) ? name.slice(PREFIX.length).split('-')[0] : NaN);
    if (!Number.isInteger(pid) || isAlive(pid)) continue;
    const dir = join(tmpdir(), name);
    await stopEmbeddedPostgresIn(dir);
    await rm(dir, { recursive: true, force: true });
  }
}
