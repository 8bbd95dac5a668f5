import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { decodeJwt } from 'jose';
import type { WebSocket } from 'ws';
import type { RequestIdentity, Viewer } from '@jobber/service-kit';
import type { AccessTokenVerifier } from './access-tokens.js';
import { clientInfo } from './client-identity.js';
import type { RevokedSessions } from './revoked-sessions.js';

/** Close codes of the gateway's graphql-ws sockets (docs/2026-12-02-gateway-subscriptions.md). */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_TOO_MANY_CONNECTIONS = 4429;
export const CLOSE_TOO_SLOW = 1013;

/** One client socket: who it is and what it holds. */
export interface ClientConnection {
  identity: RequestIdentity;
  socket: WebSocket;
  sessionId: string | null;
  owner: string;
  subscriptions: Set<string>;
  expiry?: NodeJS.Timeout;
}

/**
 * The client sockets: authenticated once at `connection_init` with the access token
 * (`{ Authorization: "Bearer …" }`); closed with 4401 when it is invalid, when it expires, and
 * when its session is revoked (then or later); at most `maxPerUser` sockets per user (anonymous
 * sockets: per address), 4429 beyond.
 */
export class ClientConnections {
  private readonly bySocket = new WeakMap<WebSocket, ClientConnection>();
  private readonly perOwner = new Map<string, number>();
  private readonly bySession = new Map<string, Set<ClientConnection>>();

  constructor(
    private readonly options: {
      accessTokens: AccessTokenVerifier;
      revoked: RevokedSessions;
      trustProxy: number;
      maxPerUser: number;
    },
  ) {
    options.revoked.onAdd((sessionIds) => {
      for (const sid of sessionIds)
        for (const connection of this.bySession.get(sid) ?? [])
          connection.socket.close(CLOSE_UNAUTHORIZED, 'Session revoked');
    });
  }

  get(socket: WebSocket): ClientConnection | undefined {
    return this.bySocket.get(socket);
  }

  /** True when the socket is accepted; otherwise it has been closed with the reason. */
  async open(
    socket: WebSocket,
    request: IncomingMessage,
    params: Record<string, unknown> | undefined,
  ): Promise<boolean> {
    const authorization = params?.['Authorization'] ?? params?.['authorization'];
    let viewer: Viewer | null = null;
    let sessionId: string | null = null;
    let expiresAt = Infinity;
    if (authorization !== undefined && authorization !== null && authorization !== '') {
      const match =
        typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
      const token = match?.[1];
      viewer = token ? await this.options.accessTokens.verify(token) : null;
      if (viewer && token) {
        const { sid, exp } = decodeJwt(token);
        sessionId = typeof sid === 'string' ? sid : null;
        expiresAt = typeof exp === 'number' ? exp * 1000 : Date.now();
        if (sessionId && this.options.revoked.has(sessionId)) viewer = null;
      }
      if (!viewer) {
        socket.close(CLOSE_UNAUTHORIZED, 'The access token is invalid or expired');
        return false;
      }
    }
    // Closed while its token was being checked: onClose has run already, so registering it now
    // would hold one of its owner's connections forever.
    if (socket.readyState !== socket.OPEN) return false;
    const client = clientInfo(request, this.options.trustProxy);
    const owner = viewer ? `user:${viewer.id}` : `ip:${client.ip ?? ''}`;
    const held = this.perOwner.get(owner) ?? 0;
    if (held >= this.options.maxPerUser) {
      socket.close(CLOSE_TOO_MANY_CONNECTIONS, 'Too many connections');
      return false;
    }
    this.perOwner.set(owner, held + 1);
    const connection: ClientConnection = {
      identity: { viewer, client, requestId: randomUUID() },
      socket,
      sessionId,
      owner,
      subscriptions: new Set(),
    };
    if (expiresAt !== Infinity) {
      // No clock tolerance at the end of a socket: the client reconnects with a fresh token.
      connection.expiry = setTimeout(
        () => socket.close(CLOSE_UNAUTHORIZED, 'The access token expired'),
        Math.max(0, expiresAt - Date.now()),
      );
      connection.expiry.unref();
    }
    if (sessionId) {
      const set = this.bySession.get(sessionId) ?? new Set();
      set.add(connection);
      this.bySession.set(sessionId, set);
    }
    this.bySocket.set(socket, connection);
    return true;
  }

  close(socket: WebSocket): void {
    const connection = this.bySocket.get(socket);
    if (!connection) return;
    this.bySocket.delete(socket);
    clearTimeout(connection.expiry);
    const held = (this.perOwner.get(connection.owner) ?? 1) - 1;
    if (held > 0) this.perOwner.set(connection.owner, held);
    else this.perOwner.delete(connection.owner);
    if (connection.sessionId) {
      const set = this.bySession.get(connection.sessionId);
      set?.delete(connection);
      if (set?.size === 0) this.bySession.delete(connection.sessionId);
    }
  }
}
