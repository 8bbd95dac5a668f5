import { randomBytes } from 'node:crypto';
import { pino, type Logger } from 'pino';

/** The local services every test talks to (never anything but 127.0.0.1): the test kit's
 * TEST_POSTGRES_URL (an embedded PostgreSQL when none is reachable) and TEST_AMQP_URL. */
export const postgresAdminUrl =
  // eslint-disable-next-line no-restricted-properties -- the test kit's variable (it depends on this package)
  process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const amqpUrl =
  // eslint-disable-next-line no-restricted-properties -- the test kit's variable (it depends on this package)
  process.env['TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';

export function randomSuffix(): string {
  return randomBytes(5).toString('hex');
}

export function amqpUrlVia(port: number): string {
  return `amqp://guest:guest@127.0.0.1:${port}`;
}

export function testLogger(): Logger {
  return pino({ level: 'silent' });
}
