import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as pause } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { AccessTokenVerifier } from '../src/access-tokens.js';
import { RevokedSessions } from '../src/revoked-sessions.js';
import { ClientConnections } from '../src/subscription-connections.js';

// A client socket's connection_init is accepted once its access token is verified; a socket
// closed while that check is under way must not keep one of its owner's connections.

const viewer = { id: 'u-ada', roles: ['USER'] };
const token = [
  Buffer.from(JSON.stringify({ alg: 'EdDSA' })).toString('base64url'),
  Buffer.from(JSON.stringify({ sub: viewer.id, sid: 's1', exp: 4_102_444_800 })).toString(
    'base64url',
  ),
  'signature',
].join('.');
/** Verifies every token after 100 ms, as the same viewer. */
const slowVerifier = {
  verify: async () => {
    await pause(100);
    return viewer;
  },
} as unknown as AccessTokenVerifier;

let server: WebSocketServer;
let onConnection: (socket: WebSocket, request: IncomingMessage) => void = () => {};

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket, request) => onConnection(socket, request));
  await new Promise((resolve) => server.once('listening', resolve));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** A client socket, and the server's side of it once connected. */
async function connect(): Promise<{
  client: WebSocket;
  socket: WebSocket;
  request: IncomingMessage;
}> {
  const serverSide = new Promise<{ socket: WebSocket; request: IncomingMessage }>((resolve) => {
    onConnection = (socket, request) => resolve({ socket, request });
  });
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await new Promise((resolve) => client.once('open', resolve));
  return { client, ...(await serverSide) };
}

describe('client connections', () => {
  it("do not count a socket that closed while its token was checked against its owner's limit", async () => {
    const connections = new ClientConnections({
      accessTokens: slowVerifier,
      revoked: new RevokedSessions(),
      trustProxy: 0,
      maxPerUser: 1,
    });
    const early = await connect();
    const opening = connections.open(early.socket, early.request, {
      Authorization: `Bearer ${token}`,
    });
    early.client.close();
    await new Promise((resolve) => early.socket.once('close', resolve));
    connections.close(early.socket); // graphql-ws's onClose, before the check is done
    expect(await opening).toBe(false);

    const next = await connect();
    expect(
      await connections.open(next.socket, next.request, { Authorization: `Bearer ${token}` }),
    ).toBe(true);
    next.client.close();
  });
});
