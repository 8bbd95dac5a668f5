import { errors } from './errors.js';
import type { RequestIdentity, Viewer } from './identity.js';

/** Who is calling and from where: what the domain rules take from a request's context. */
export type Caller = Pick<RequestIdentity, 'viewer' | 'client' | 'service'>;

/** The signed-in viewer, or UNAUTHENTICATED. */
export function requireViewer(caller: Pick<Caller, 'viewer'>): Viewer {
  if (!caller.viewer) throw errors.unauthenticated();
  return caller.viewer;
}

/**
 * FORBIDDEN unless the gateway itself is calling (RequestIdentity.service): the guard of every
 * internal field, beside `@inaccessible` keeping it out of the client API.
 */
export function requireService(caller: Pick<Caller, 'viewer' | 'service'>): void {
  if (caller.service !== true) throw errors.forbidden();
}
