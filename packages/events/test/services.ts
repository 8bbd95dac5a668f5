import { randomBytes } from 'node:crypto';
import { pino, type Logger } from 'pino';

/** The local services every test talks to (never anything but 127.0.0.1). */
export const postgresAdminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
export const amqpUrl = 'amqp://guest:guest@127.0.0.1:5672';

export function randomSuffix(): string {
  return randomBytes(5).toString('hex');
}

export function amqpUrlVia(port: number): string {
  return `amqp://guest:guest@127.0.0.1:${port}`;
}

export function testLogger(): Logger {
  return pino({ level: 'silent' });
}
