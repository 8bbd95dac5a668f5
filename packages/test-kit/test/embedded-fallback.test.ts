import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { childProcessEnv, freePort } from '../src/index.js';

// A fresh machine's `npm test`: PostgreSQL is not there (TEST_POSTGRES_URL points at a closed
// port), so the run's global set-up starts an embedded PostgreSQL, the test kit's database
// set-up uses it, and it is stopped and removed when the run ends.

const fixture = fileURLToPath(new URL('./fixtures/no-postgres/', import.meta.url));
const vitest = fileURLToPath(new URL('../../../node_modules/vitest/vitest.mjs', import.meta.url));

/** Whether nothing listens on the port (a TCP connection is refused). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

it('falls back to an embedded PostgreSQL when TEST_POSTGRES_URL is not reachable', async () => {
  const closed = await freePort();
  const child = spawn(process.execPath, [vitest, 'run'], {
    cwd: fixture,
    env: childProcessEnv({
      TEST_POSTGRES_URL: `postgresql://postgres@127.0.0.1:${closed}/postgres`,
      NO_COLOR: '1',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const plain = output; // NO_COLOR: no escape codes
  expect(code, plain).toBe(0);

  const embedded = /this run uses an embedded one on 127\.0\.0\.1:(\d+)/.exec(plain);
  expect(embedded, plain).not.toBeNull();
  expect(plain).toContain(
    `PostgreSQL is not reachable at postgresql://postgres@127.0.0.1:${closed}/postgres`,
  );
  const port = Number(embedded?.[1]);
  expect(port).not.toBe(closed);
  // The probe's database was on the embedded server: PostgreSQL 18 from the npm package.
  expect(plain).toMatch(
    new RegExp(`probe: jobber_test_auth_\\w+ on port ${port}, PostgreSQL 18\\.`),
  );
  // Stopped and removed at the end of the run.
  expect(await refused(port)).toBe(true);
  const left = (await readdir(tmpdir())).filter((name) =>
    name.startsWith(`jobber-test-postgres-${child.pid}-`),
  );
  expect(left).toEqual([]);
}, 120_000);
