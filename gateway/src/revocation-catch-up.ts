import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  INTERNAL_CREDENTIAL_HEADER,
  anonymousClient,
  type InternalCredentialSigner,
} from '@jobber/service-kit';
import type { RevokedSession } from './revoked-sessions.js';
import type { Fetcher } from './subgraph-fetcher.js';

/** auth's internal field (`@inaccessible`: not in the client API; answered for `service` calls only). */
const REVOKED_SESSIONS_QUERY =
  'query RevokedSessions($since: DateTime!) { _revokedSessions(since: $since) { id revokedAt } }';

const answerSchema = z.object({
  data: z
    .object({
      _revokedSessions: z.array(z.object({ id: z.string(), revokedAt: z.iso.datetime() })),
    })
    .nullish(),
  errors: z
    .array(
      z.object({ message: z.string(), extensions: z.record(z.string(), z.unknown()).nullish() }),
    )
    .nullish(),
});

/** Asks auth for the sessions revoked since a time; rejects with a short reason. */
export type RevokedSessionsSource = (since: Date, signal: AbortSignal) => Promise<RevokedSession[]>;

/**
 * The gateway's own call to auth (not on behalf of any client): to auth's URL through `fetcher`
 * (the gateway's bounded pool for auth), with an internal credential marked `service` that no
 * client request ever carries.
 */
export function revokedSessionsFromAuth(
  authUrl: string,
  signer: InternalCredentialSigner,
  fetcher: Fetcher,
  timeoutMs = 5_000,
): RevokedSessionsSource {
  return async (since, signal) => {
    const credential = await signer.sign('auth', {
      viewer: null,
      client: anonymousClient,
      requestId: `revocation-catch-up-${randomUUID()}`,
      service: true,
    });
    const response = await fetcher(authUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_CREDENTIAL_HEADER]: credential },
      body: JSON.stringify({
        query: REVOKED_SESSIONS_QUERY,
        variables: { since: since.toISOString() },
      }),
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
    const body: unknown = await response.json().catch(() => null);
    const answer = answerSchema.safeParse(body);
    if (!answer.success) throw new Error(`auth answered ${response.status} without a GraphQL body`);
    const error = answer.data.errors?.[0];
    if (error) {
      const code = error.extensions?.['code'];
      throw new Error(`auth answered ${typeof code === 'string' ? code : error.message}`);
    }
    const rows = answer.data.data?._revokedSessions;
    if (!rows) throw new Error(`auth answered ${response.status} without data`);
    return rows.map((row) => ({ id: row.id, revokedAt: new Date(row.revokedAt) }));
  };
}
