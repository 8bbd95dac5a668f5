import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RequestIdentity } from './identity.js';
import {
  INTERNAL_CREDENTIAL_HEADER,
  type InternalCredentialVerifier,
} from './internal-credential.js';
import type { Logger } from './logger.js';

/** Close codes a gateway acts on: 4401 get a fresh credential and reconnect, 4403 configuration. */
export const CLOSE_CREDENTIAL_EXPIRED = 4401;
export const CLOSE_SERVER_STOPPING = 1001;

/**
 * Every socket is pinged this often; one that has not answered the previous ping is terminated,
 * so the subscriptions of a gateway that vanished without closing its socket (a hung host, a
 * cut network) end within two intervals, and with them its viewers' presence.
 */
export const DEFAULT_KEEPALIVE_MS = 15_000;

interface Connection {
  identity: RequestIdentity;
  expiry?: NodeJS.Timeout;
  /** Per-operation identities (the viewer of each subscription), by operation id. */
  operations: Map<string, RequestIdentity>;
}

/**
 * graphql-ws on the subgraph's /graphql for its Subscription fields. The gateway authenticates
 * the socket at `connection_init` with a credential for this subgraph (`connectionParams
 * ["x-jobber-internal"]`); the socket is closed with 4401 when that credential expires (the
 * gateway reconnects with a fresh one first). Each operation may carry the viewer's own
 * credential in `extensions["x-jobber-internal"]`, checked at subscribe; without one it runs as
 * the connection's identity. docs/2026-12-02-subgraph-subscriptions.md.
 */
export function createSubscriptionServer<C extends object>(options: {
  schema: GraphQLSchema;
  verifier: InternalCredentialVerifier;
  logger: Logger;
  context: (identity: RequestIdentity, logger: Logger) => C;
  formatError: (formatted: GraphQLFormattedError, original: unknown) => GraphQLFormattedError;
  keepAliveMs?: number;
}) {
  const { verifier, logger } = options;
  const wss = new WebSocketServer({ noServer: true });
  const answered = new WeakMap<WebSocket, boolean>();
  wss.on('connection', (ws: WebSocket) => {
    answered.set(ws, true);
    ws.on('pong', () => answered.set(ws, true));
  });
  const keepAlive = setInterval(() => {
    for (const ws of wss.clients) {
      if (answered.get(ws) === false) {
        ws.terminate();
        continue;
      }
      answered.set(ws, false);
      ws.ping();
    }
  }, options.keepAliveMs ?? DEFAULT_KEEPALIVE_MS);
  keepAlive.unref();
  const connections = new WeakMap<object, Connection>();
  const mask = (errors: readonly GraphQLError[]) =>
    errors.map((error) => options.formatError(error.toJSON(), error));

  const server = useServer<Record<string, unknown> | undefined, { socket: WebSocket }>(
    {
      schema: options.schema,
      connectionInitWaitTimeout: 5_000,
      async onConnect(ctx) {
        const token = ctx.connectionParams?.[INTERNAL_CREDENTIAL_HEADER];
        const verified = await verifier.verifyWithExpiry(
          typeof token === 'string' ? token : undefined,
        );
        // false: graphql-ws closes the socket with 4403 Forbidden.
        if (!verified) return false;
        const connection: Connection = { identity: verified.identity, operations: new Map() };
        connection.expiry = setTimeout(
          () => ctx.extra.socket.close(CLOSE_CREDENTIAL_EXPIRED, 'Credential expired'),
          Math.max(0, verified.expiresAt - Date.now()),
        );
        connection.expiry.unref();
        connections.set(ctx.extra, connection);
        return true;
      },
      onClose(ctx) {
        clearTimeout(connections.get(ctx.extra)?.expiry);
      },
      async onSubscribe(ctx, id, payload) {
        const connection = connections.get(ctx.extra);
        const token = payload.extensions?.[INTERNAL_CREDENTIAL_HEADER];
        if (!connection) return [unauthenticated()];
        if (token === undefined) {
          connection.operations.set(id, connection.identity);
          return;
        }
        const identity = await verifier.verify(typeof token === 'string' ? token : undefined);
        if (!identity) return [unauthenticated()];
        connection.operations.set(id, identity);
      },
      context(ctx, id) {
        const connection = connections.get(ctx.extra);
        const identity = connection?.operations.get(id) ?? connection?.identity;
        if (!identity) throw new Error('subscription without an authenticated connection');
        return options.context(identity, logger.child({ requestId: identity.requestId }));
      },
      onComplete(ctx, id) {
        connections.get(ctx.extra)?.operations.delete(id);
      },
      onNext(_ctx, _id, _payload, _args, result) {
        if (!result.errors?.length) return;
        return { ...result, errors: mask(result.errors) };
      },
      onError(_ctx, _id, _payload, errors) {
        return mask(errors);
      },
    },
    wss,
  );

  return {
    upgrade(req: IncomingMessage, socket: Socket, head: Buffer) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    /** Ends every socket with 1001 (the gateway reconnects elsewhere) and stops taking new ones. */
    async stop() {
      clearInterval(keepAlive);
      for (const client of wss.clients) client.close(CLOSE_SERVER_STOPPING, 'Server stopping');
      await server.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function unauthenticated() {
  return new GraphQLError('A valid gateway credential is required.', {
    extensions: { code: 'UNAUTHENTICATED' },
  });
}
