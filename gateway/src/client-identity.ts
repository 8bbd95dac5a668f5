import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError, type ClientInfo, type RequestIdentity, type Viewer } from '@jobber/service-kit';
import { decodeJwt } from 'jose';
import type { AccessTokenVerifier } from './access-tokens.js';
import type { RevokedSessions } from './revoked-sessions.js';

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text ? text.slice(0, 512) : null;
}

/**
 * The client's address behind `trustedProxies` proxies of ours: each appends its peer's address
 * to X-Forwarded-For, so the one we want is the `trustedProxies`-th from the right (the socket's
 * peer being the nearest proxy). Entries to the left of it are whatever the client wrote.
 */
export function clientAddress(req: IncomingMessage, trustedProxies: number): string | null {
  const peer = req.socket.remoteAddress ?? null;
  if (trustedProxies <= 0) return peer;
  const value = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(value) ? value.join(',') : (value ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (forwarded.length === 0) return peer;
  // Fewer entries than proxies: the request did not pass all of them; the leftmost is the
  // address the first proxy it did pass saw.
  const entry = forwarded[Math.max(0, forwarded.length - trustedProxies)] ?? '';
  return entry.slice(0, 64) || peer;
}

export function clientInfo(req: IncomingMessage, trustedProxies: number): ClientInfo {
  return {
    ip: clientAddress(req, trustedProxies),
    userAgent: header(req, 'user-agent'),
    deviceId: header(req, 'x-device-id'),
  };
}

/**
 * Who is calling: anonymous without an Authorization header, the token's user with a valid
 * one, and an error (never a silent downgrade to anonymous) with an invalid or expired one.
 */
export async function identifyCaller(
  req: IncomingMessage,
  verifier: AccessTokenVerifier,
  trustedProxies: number,
  revoked?: RevokedSessions,
): Promise<RequestIdentity> {
  const authorization = header(req, 'authorization');
  let viewer: Viewer | null = null;
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    viewer = match?.[1] ? await verifier.verify(match[1]) : null;
    // Verified above, so its claims can be read as they are: a revoked session's token is refused.
    if (viewer && match?.[1] && revoked && revoked.size > 0) {
      const { sid } = decodeJwt(match[1]);
      if (typeof sid === 'string' && revoked.has(sid)) viewer = null;
    }
    if (!viewer) {
      throw new HttpError(401, 'The access token is invalid or expired.', 'UNAUTHENTICATED', {
        'www-authenticate': 'Bearer error="invalid_token"',
      });
    }
  }
  // A client's own id is kept when it is a plain token, so its logs and ours line up.
  const offered = header(req, 'x-request-id');
  const requestId = offered && /^[\w.-]{1,128}$/.test(offered) ? offered : randomUUID();
  return { viewer, client: clientInfo(req, trustedProxies), requestId };
}
