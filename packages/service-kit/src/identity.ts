import type { Logger } from './logger.js';

/** Who is calling, as the gateway vouches for it in the internal credential. */
export interface Viewer {
  id: string;
  roles: string[];
}

/** Facts about the end client that the gateway saw (subgraphs never see the client directly). */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
  deviceId: string | null;
}

export interface RequestIdentity {
  viewer: Viewer | null;
  client: ClientInfo;
  requestId: string;
  /**
   * True only on a call the gateway makes for itself (its revocation catch-up), never on a
   * client's request: internal fields (`@inaccessible`, not in the client API) answer only then.
   */
  service?: boolean;
}

/** What every subgraph's per-request context holds at least: the request's own logger. */
export interface RequestContext {
  logger: Logger;
}

export const anonymousClient: ClientInfo = { ip: null, userAgent: null, deviceId: null };
