import type { InternalCredentialSigner, RequestIdentity } from '@jobber/service-kit';
import { BoundedCache } from '../bounded-cache.js';

interface Signed {
  credential: Promise<string>;
  /** Until when (ms since the epoch) a request may still take it. */
  reusableUntil: number;
}

/**
 * Internal credentials signed once per subgraph and caller, not per request: a credential states
 * who the gateway vouches for (viewer and roles, client address, agent and device, service
 * call), to which subgraph, until when (60 s). Requests of the same caller in the next
 * `reuseMs` take the same one, so it has at least TTL − reuseMs left when a subgraph sees it.
 * The request id is not part of what is vouched for: it travels in `x-request-id`, which
 * subgraphs log by (docs/2026-12-04-credential-reuse.md). Each identity is checked per request
 * as before (token, revocation); only the signature is saved. Ed25519 signing was the largest
 * single cost of a small page's request (~8 % of the gateway's CPU, bench:gateway-pages).
 */
export class ReusableCredentials {
  private readonly signed: BoundedCache<Signed>;

  constructor(
    private readonly signer: InternalCredentialSigner,
    private readonly reuseMs: number,
    max = 10_000,
  ) {
    this.signed = new BoundedCache(max);
  }

  get(audience: string, identity: RequestIdentity): Promise<string> {
    if (this.reuseMs <= 0) return this.signer.sign(audience, identity);
    const { viewer, client, service } = identity;
    const key = JSON.stringify([
      audience,
      viewer?.id ?? null,
      viewer?.roles ?? null,
      client.ip,
      client.userAgent,
      client.deviceId,
      service === true,
    ]);
    const now = Date.now();
    const cached = this.signed.get(key);
    if (cached && cached.reusableUntil > now) return cached.credential;
    const credential = this.signer.sign(audience, identity);
    this.signed.set(key, { credential, reusableUntil: now + this.reuseMs });
    credential.catch(() => {
      if (this.signed.get(key)?.credential === credential) this.signed.delete(key);
    });
    return credential;
  }
}
