import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { buildSchema } from 'graphql';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  INTERNAL_CREDENTIAL_HEADER,
  anonymousClient,
  createInternalCredentialSigner,
  createInternalCredentialVerifier,
  createLogger,
} from '../src/index.js';
import { createSubscriptionServer } from '../src/subscriptions.js';

// A gateway that vanishes without closing its socket (a hung host, a cut network) must not keep
// its subscriptions open for ever: the server pings, and a socket that misses a pong is ended.

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const signer = createInternalCredentialSigner({
  privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
});
const keepAliveMs = 100;
let server: Server;
let url = '';
let stopSubscriptions: () => Promise<void>;

beforeAll(async () => {
  const subscriptions = createSubscriptionServer({
    schema: buildSchema('type Query { ok: Boolean } type Subscription { never: Boolean }'),
    verifier: createInternalCredentialVerifier({
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      audience: 'pings',
    }),
    logger: createLogger({ service: 'pings', level: 'silent' }),
    context: () => ({}),
    formatError: (formatted) => formatted,
    keepAliveMs,
  });
  stopSubscriptions = () => subscriptions.stop();
  server = createServer();
  server.on('upgrade', (req, socket, head) => subscriptions.upgrade(req, socket as Socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  url = `ws://127.0.0.1:${address.port}/graphql`;
});

afterAll(async () => {
  await stopSubscriptions?.();
  await new Promise((resolve) => server?.close(resolve));
});

/** An initialised graphql-ws socket; `autoPong: false` plays a peer that no longer answers. */
async function open(autoPong: boolean) {
  const socket = new WebSocket(url, 'graphql-transport-ws', { autoPong });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  let pings = 0;
  socket.on('ping', () => (pings += 1));
  await new Promise((resolve) => socket.once('open', resolve));
  const credential = await signer.sign('pings', {
    viewer: null,
    client: anonymousClient,
    requestId: 'r',
  });
  socket.send(
    JSON.stringify({
      type: 'connection_init',
      payload: { [INTERNAL_CREDENTIAL_HEADER]: credential },
    }),
  );
  await new Promise((resolve) => socket.once('message', resolve));
  return { socket, closed, pings: () => pings };
}

it('terminates a socket that stops answering pings, and keeps one that answers', async () => {
  const answering = await open(true);
  const silent = await open(false);
  // Terminated (1006: no close frame) after a missed pong…
  expect(await silent.closed).toBe(1006);
  // …while the answering one has seen at least as many pings and is still open.
  expect(answering.pings()).toBeGreaterThanOrEqual(silent.pings());
  expect(answering.socket.readyState).toBe(WebSocket.OPEN);
  answering.socket.close();
  await answering.closed;
});
