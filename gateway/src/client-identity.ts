import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError, type ClientInfo, type RequestIdentity, type Viewer } from '@jobber/service-kit';
import type { AccessTokenVerifier } from './access-tokens.js';

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text ? text.slice(0, 512) : null;
}

export function clientInfo(req: IncomingMessage, trustProxy: boolean): ClientInfo {
  const forwarded = trustProxy ? header(req, 'x-forwarded-for')?.split(',')[0]?.trim() : undefined;
  return {
    ip: forwarded || req.socket.remoteAddress || null,
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
  trustProxy: boolean,
): Promise<RequestIdentity> {
  const authorization = header(req, 'authorization');
  let viewer: Viewer | null = null;
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    viewer = match?.[1] ? await verifier.verify(match[1]) : null;
    if (!viewer) {
      throw new HttpError(401, 'The access token is invalid or expired.', 'UNAUTHENTICATED', {
        'www-authenticate': 'Bearer error="invalid_token"',
      });
    }
  }
  // A client's own id is kept when it is a plain token, so its logs and ours line up.
  const offered = header(req, 'x-request-id');
  const requestId = offered && /^[\w.-]{1,128}$/.test(offered) ? offered : randomUUID();
  return { viewer, client: clientInfo(req, trustProxy), requestId };
}
