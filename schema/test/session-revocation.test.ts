// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import {
  MEMBER_PASSWORD,
  errorCodes,
  eventually,
  startTestSupergraph,
  uniqueTag,
  type TestSupergraph,
} from '@jobber/test-kit';

interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string };
}
const SESSION = 'user { id } accessToken refreshToken';
const VIEWER = '{ viewer { id } }';

// Item 14 of issue 13: access tokens kept working for up to 15 minutes after signOutEverywhere
// or refresh-token reuse. Auth now publishes auth.sessions.revoked and every gateway refuses them.
describe('the access tokens of revoked sessions', () => {
  let supergraph: TestSupergraph;

  beforeAll(async () => {
    supergraph = await startTestSupergraph({
      auth: (env) => startAuthService(parseAuthConfig(env)),
    });
  });
  afterAll(() => supergraph?.stop());

  async function signUp(): Promise<Session> {
    const username = `revoked_${uniqueTag()}`;
    const data = await supergraph.client.data<{ signUp: Session }>(
      `mutation($input: SignUpInput!) { signUp(input: $input) { ${SESSION} } }`,
      {
        input: {
          email: `${username}@example.com`,
          username,
          password: MEMBER_PASSWORD,
          country: 'NG',
        },
      },
    );
    return data.signUp;
  }

  async function refresh(refreshToken: string) {
    return supergraph.client.request<{ refreshSession: Session }>(
      `mutation($r: String!) { refreshSession(refreshToken: $r) { ${SESSION} } }`,
      { r: refreshToken },
    );
  }

  /** Polls until the token is refused; fails when it still works after the poll's bound. */
  async function refused(token: string) {
    return eventually(
      async () => {
        const answer = await supergraph.client.request(VIEWER, {}, { token });
        return answer.status === 401 ? answer : null;
      },
      { what: 'the revoked access token to be refused' },
    );
  }

  it('stop working soon after signOutEverywhere, with 401 UNAUTHENTICATED', async () => {
    const session = await signUp();
    const bystander = await signUp();
    const before = await supergraph.client.request(VIEWER, {}, { token: session.accessToken });
    expect(before.data).toEqual({ viewer: { id: session.user.id } });

    const out = await supergraph.client.request(
      'mutation { signOutEverywhere }',
      {},
      { token: session.accessToken },
    );
    expect(out.data).toEqual({ signOutEverywhere: true });

    const answer = await refused(session.accessToken);
    expect(errorCodes(answer)).toEqual(['UNAUTHENTICATED']);
    // Only that account's sessions: another member's token still works.
    const other = await supergraph.client.request(VIEWER, {}, { token: bystander.accessToken });
    expect(other.data).toEqual({ viewer: { id: bystander.user.id } });
  });

  it('stop working after refresh-token reuse revokes the family', async () => {
    const first = await signUp();
    const rotated = await refresh(first.refreshToken);
    expect(rotated.errors).toEqual([]);
    const current = rotated.data?.refreshSession;
    if (!current) throw new Error('no rotated session');
    expect(
      (await supergraph.client.request(VIEWER, {}, { token: current.accessToken })).data,
    ).toEqual({ viewer: { id: first.user.id } });

    // Someone kept a copy of the first refresh token and uses it.
    const reused = await refresh(first.refreshToken);
    expect(reused.errors.length).toBeGreaterThan(0);

    expect(errorCodes(await refused(current.accessToken))).toEqual(['UNAUTHENTICATED']);
  });
});
