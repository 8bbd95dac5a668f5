import { generateKeyPairSync } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '@jobber/service-kit';
import { parseGatewayConfig } from '../src/config.js';
import { startGateway } from '../src/server.js';

const pem = (type: 'pkcs8' | 'spki') => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return (type === 'pkcs8' ? privateKey : publicKey).export({ type, format: 'pem' }).toString();
};

// Item 3 of issue 13: one request whose subgraph fetches all failed wrote a log line per fetch.
describe('the failed subgraph fetches of one request', () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  let resetting: Server;
  let gateway: RunningServer;

  beforeAll(async () => {
    // Every subgraph connection is reset at once, as an overloaded subgraph did.
    resetting = createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((done) => resetting.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(resetting.address() as AddressInfo).port}/graphql`;
    const config = parseGatewayConfig({
      NODE_ENV: 'test',
      PORT: '0',
      ADMIN_PORT: '0',
      AUTH_JWT_PUBLIC_KEY: pem('spki'),
      GATEWAY_INTERNAL_PRIVATE_KEY: pem('pkcs8'),
      AUTH_URL: url,
      USERS_URL: url,
    });
    gateway = await startGateway(config, logger);
  });
  afterAll(async () => {
    await gateway?.stop(1_000);
    await new Promise((done) => resetting?.close(done));
  });

  it('are logged as one line counting them by subgraph and cause', async () => {
    const query = `{ viewer { id } sellers(first: 1) { edges { node { fullName } } } }`;
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'storm-1' },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors.length).toBeGreaterThanOrEqual(2);
    expect(body.errors.every((error) => error.extensions.code === 'UNAVAILABLE')).toBe(true);

    const ofRequest = lines.filter((line) => line['requestId'] === 'storm-1');
    expect(ofRequest).toHaveLength(1);
    expect(ofRequest[0]).toMatchObject({
      msg: 'subgraph unavailable',
      failedFetches: 2,
      subgraphFailures: { auth: { ECONNRESET: 1 }, users: { ECONNRESET: 1 } },
    });
  });
});
