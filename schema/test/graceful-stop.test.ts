// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { Agent, request } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { parseGatewayConfig, startGateway } from '@jobber/gateway';
import { createLogger } from '@jobber/service-kit';
import {
  SIGN_UP_ID_MUTATION,
  memberSignUpInput,
  startTestSupergraph,
  testConfig,
  uniqueTag,
  type TestSupergraph,
} from '@jobber/test-kit';

// The measured failure: keep-alive clients kept signing up through a stopping gateway for the
// whole grace, which then cut sign-ups whose accounts were already committed. Now: every
// sign-up sent during the stop is answered completely or refused before it began, so the
// accounts in the database are exactly the sign-ups that were answered.
let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph({
    auth: (env) => startAuthService(parseAuthConfig(env)),
  });
});
afterAll(() => supergraph?.stop());

type Outcome = 'signed-up' | 'refused' | 'cut' | 'error';

function signUp(url: string, agent: Agent): Promise<Outcome> {
  const username = `ka_${uniqueTag()}`;
  const body = JSON.stringify({
    query: SIGN_UP_ID_MUTATION,
    variables: { input: memberSignUpInput(username) },
  });
  return new Promise((resolve) => {
    let began = false;
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        began = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          if (!res.complete) return resolve('cut');
          try {
            const parsed = JSON.parse(text) as { data?: { signUp?: { user?: { id?: string } } } };
            resolve(parsed.data?.signUp?.user?.id ? 'signed-up' : 'error');
          } catch {
            resolve('cut');
          }
        });
        res.on('error', () => resolve('cut'));
      },
    );
    req.on('error', () => resolve(began ? 'cut' : 'refused'));
    req.end(body);
  });
}

describe('stopping the gateway under keep-alive sign-ups', () => {
  it(
    'answers or refuses every sign-up; the accounts committed are exactly those answered',
    { timeout: 90_000 },
    async () => {
      const gateway = await startGateway(
        parseGatewayConfig({
          NODE_ENV: 'test',
          PORT: '0',
          ADMIN_PORT: '0',
          AUTH_JWT_PUBLIC_KEY: supergraph.keys.accessTokens.publicKeyPem,
          GATEWAY_INTERNAL_PRIVATE_KEY: supergraph.keys.internal.privateKeyPem,
          AUTH_URL: supergraph.subgraphs.auth?.url ?? '',
          USERS_URL: 'http://127.0.0.1:9/graphql',
        }),
        createLogger({ service: 'gateway', level: testConfig.TEST_LOG_LEVEL }),
      );
      const outcomes: Outcome[] = [];
      let stopping = false;
      const clients = Array.from({ length: 6 }, async () => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        for (;;) {
          const outcome = await signUp(gateway.url, agent);
          outcomes.push(outcome);
          if (outcome === 'refused' || outcome === 'cut' || (stopping && outcome === 'error'))
            break;
        }
        agent.destroy();
      });
      // Under way before the stop: a dozen sign-ups answered (slow on a busy machine).
      const deadline = Date.now() + 60_000;
      while (outcomes.filter((o) => o === 'signed-up').length < 12) {
        if (Date.now() > deadline)
          throw new Error(`the sign-ups never got going: ${outcomes.join()}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      stopping = true;
      // A grace beyond the test's timeout: a clean stop never reaches it.
      const report = await gateway.stop(120_000);
      await Promise.all(clients);

      const database = new pg.Client({ connectionString: supergraph.databases.auth?.url });
      await database.connect();
      const accounts = Number(
        (await database.query<{ n: string }>('SELECT count(*) AS n FROM users')).rows[0]?.n,
      );
      await database.end();
      const count = (outcome: Outcome) => outcomes.filter((o) => o === outcome).length;
      expect({
        connectionsCut: report.connectionsCut,
        cut: count('cut'),
        error: count('error'),
        refused: count('refused'),
        accounts,
      }).toEqual({ connectionsCut: 0, cut: 0, error: 0, refused: 6, accounts: count('signed-up') });
    },
  );
});
