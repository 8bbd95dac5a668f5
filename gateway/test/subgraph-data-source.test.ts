import { generateKeyPairSync } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
// Not re-exported by the package's entry point.
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError, createInternalCredentialSigner, createLogger } from '@jobber/service-kit';
import { SubgraphDataSource } from '../src/subgraph-data-source.js';

const signer = createInternalCredentialSigner({
  privateKeyPem: generateKeyPairSync('ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString(),
});
const logger = createLogger({ service: 'gateway-test', level: 'silent' });

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

/** A subgraph that answers every request with this status and body. */
const answering = (status: number, body = '{"data":{"__typename":"Query"}}') =>
  listen(
    createHttpServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    }),
  );

async function fetchThrough(url: string, timeoutMs = 5_000): Promise<unknown> {
  const source = new SubgraphDataSource('users', url, { signer, logger, fetch: { timeoutMs } });
  try {
    return await source.process({
      kind: GraphQLDataSourceRequestKind.HEALTH_CHECK,
      request: { query: '{ __typename }' },
      context: {},
    });
  } catch (error) {
    return error;
  } finally {
    await source.close();
  }
}

function expectUnavailable(outcome: unknown) {
  expect(outcome).toBeInstanceOf(AppError);
  expect(outcome).toMatchObject({ code: 'UNAVAILABLE', extensions: { subgraph: 'users' } });
  expect((outcome as Error).message).not.toMatch(/127\.0\.0\.1|ECONN/);
}

describe('SubgraphDataSource: a subgraph that cannot be reached is UNAVAILABLE', () => {
  it('answers through when the subgraph answers', async () => {
    expect(await fetchThrough(await answering(200))).toMatchObject({
      data: { __typename: 'Query' },
    });
  });

  it('nothing listening (connection refused)', async () => {
    const url = await listen(createHttpServer());
    await new Promise((done) => servers.pop()?.close(done));
    expectUnavailable(await fetchThrough(url));
  });

  it('the connection reset before an answer', async () => {
    const server = createTcpServer((socket) => socket.resetAndDestroy());
    expectUnavailable(await fetchThrough(await listen(server as unknown as Server)));
  });

  it('the connection closed after the request was read, before an answer (a process dying)', async () => {
    const server = createTcpServer((socket) => socket.once('data', () => socket.end()));
    expectUnavailable(await fetchThrough(await listen(server as unknown as Server)));
  });

  it('the connection closed halfway through the answer', async () => {
    const server = createTcpServer((socket) =>
      socket.once('data', () =>
        socket.end(
          'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 50\r\n\r\n{"da',
        ),
      ),
    );
    expectUnavailable(await fetchThrough(await listen(server as unknown as Server)));
  });

  it('no answer before the deadline', async () => {
    // Accepts the request and never answers.
    const hanging = await listen(createHttpServer(() => undefined));
    expectUnavailable(await fetchThrough(hanging, 200));
    // The executor's raw post has the same deadline.
    const source = new SubgraphDataSource('users', hanging, {
      signer,
      logger,
      fetch: { timeoutMs: 200 },
    });
    await expect(source.post('/graphql', {}, '{}')).rejects.toMatchObject({ name: 'TimeoutError' });
    await source.close();
  });

  it('a proxy answering 502, 503 or 504', async () => {
    for (const status of [502, 503, 504])
      expectUnavailable(await fetchThrough(await answering(status, '{}')));
  });

  it('but a subgraph that answered with a failure is not unavailable', async () => {
    const outcome = await fetchThrough(await answering(500, '{}'));
    expect(outcome).toBeInstanceOf(Error);
    expect(outcome).not.toBeInstanceOf(AppError);
  });
});
