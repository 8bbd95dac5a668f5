import { describe, expect, it } from 'vitest';
import {
  INTERNAL_CREDENTIAL_HEADER,
  createInternalCredentialSigner,
  type RequestIdentity,
} from '@jobber/service-kit';
import { errorCodes, type GraphQLResponse } from '@jobber/test-kit';
import { signUp, useAuthSupergraph } from './harness.js';

// `_revokedSessions`: what a gateway that missed `auth.sessions.revoked` events asks auth for.
// Internal: outside the client API, and answered only for the gateway's own calls.
const env = useAuthSupergraph();
const REVOKED = `query($since: DateTime!) { _revokedSessions(since: $since) { id revokedAt } }`;
const client = { ip: null, userAgent: null, deviceId: null };
const service: RequestIdentity = { viewer: null, client, requestId: 'catch-up', service: true };

interface Revoked {
  _revokedSessions: { id: string; revokedAt: string }[];
}

/** Straight to auth, with a credential the gateway's key signed for `identity`. */
async function askAuth(identity: RequestIdentity, since: Date): Promise<GraphQLResponse<Revoked>> {
  const signer = createInternalCredentialSigner({
    privateKeyPem: env.supergraph.keys.internal.privateKeyPem,
  });
  const response = await fetch(env.supergraph.subgraphs.auth?.url ?? '', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [INTERNAL_CREDENTIAL_HEADER]: await signer.sign('auth', identity),
    },
    body: JSON.stringify({ query: REVOKED, variables: { since: since.toISOString() } }),
  });
  const body = (await response.json()) as Partial<GraphQLResponse<Revoked>>;
  return { status: response.status, data: body.data ?? null, errors: body.errors ?? [] };
}

/** The ids of the sessions of an account, from auth's database. */
async function sessionsOf(userId: string) {
  const { rows } = await env.db.query<{ id: string; revoked_at: Date | null }>(
    'SELECT id, revoked_at FROM sessions WHERE user_id = $1',
    [userId],
  );
  return rows;
}

describe('_revokedSessions', () => {
  it("lists the sessions revoked since the time given, for the gateway's own call", async () => {
    const since = new Date();
    const { session, client: member } = await signUp(env.client);
    const untouched = await signUp(env.client);
    const [live] = await sessionsOf(session.user.id);
    expect(await member.data('mutation { signOutEverywhere }')).toEqual({
      signOutEverywhere: true,
    });
    const [revoked] = await sessionsOf(session.user.id);
    expect(revoked?.revoked_at).toBeInstanceOf(Date);

    const answer = await askAuth(service, since);
    expect(answer.errors).toEqual([]);
    const listed = answer.data?._revokedSessions ?? [];
    expect(listed).toContainEqual({
      id: live?.id,
      revokedAt: revoked?.revoked_at?.toISOString(),
    });
    const [other] = await sessionsOf(untouched.session.user.id);
    expect(listed.map((row) => row.id)).not.toContain(other?.id);
    // Revoked before `since`: not listed.
    const later = await askAuth(service, new Date(Date.now() + 1_000));
    expect(later.data?._revokedSessions.map((row) => row.id)).not.toContain(live?.id);
  });

  it('is FORBIDDEN for a client request, anonymous or signed in (even an admin)', async () => {
    const { session } = await signUp(env.client);
    const since = new Date(Date.now() - 60_000);
    for (const viewer of [null, { id: session.user.id, roles: ['USER', 'ADMIN'] }]) {
      const answer = await askAuth({ viewer, client, requestId: 'client' }, since);
      expect(answer.data).toBeNull();
      expect(errorCodes(answer)).toEqual(['FORBIDDEN']);
    }
  });

  it('is not in the API the gateway serves: a client that guesses the name gets a validation error', async () => {
    const before = env.statements.length;
    const answer = await env.client.request(REVOKED, { since: new Date(0).toISOString() });
    expect(answer.status).toBe(400);
    expect(answer.data).toBeNull();
    expect(errorCodes(answer)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(answer.errors[0]?.message).toBe(
      'Cannot query field "_revokedSessions" on type "Query".',
    );
    const { session } = await signUp(env.client);
    const signedIn = await env.client.request(
      REVOKED,
      { since: new Date(0).toISOString() },
      { token: session.accessToken },
    );
    expect(errorCodes(signedIn)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    // Auth saw no query for it (sign-up statements aside, counted before it).
    expect(
      env.statements.slice(before).some((sql) => /revoked_at" >=|revoked_at >=/.test(sql)),
    ).toBe(false);
  });

  it('reads the revoked_at index', async () => {
    const connection = await env.db.connect();
    try {
      // The test table is tiny: make the planner show whether the index can serve the query.
      await connection.query('SET enable_seqscan = off');
      const { rows } = await connection.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id, revoked_at FROM sessions WHERE revoked_at >= now() - interval '17 minutes'
         ORDER BY revoked_at DESC LIMIT 100000`,
      );
      expect(rows.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/sessions_revoked_at_idx/);
    } finally {
      await connection.query('RESET enable_seqscan');
      connection.release();
    }
  });
});
