// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { Agent, request } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { parseGatewayConfig, startGateway } from '@jobber/gateway';
import { createLogger } from '@jobber/service-kit';
import {
  signUpMemberVia,
  startTestSupergraph,
  testConfig,
  uniqueTag,
  type Mailbox,
  type PostOperation,
  type RawGraphQLAnswer,
  type TestSupergraph,
} from '@jobber/test-kit';

// The measured failure: keep-alive clients kept signing up through a stopping gateway for the
// whole grace, which then cut sign-ups whose accounts were already committed. Now: every
// request sent during the stop is answered completely or refused before it began, so the
// accounts in the database are exactly the sign-ups completed (`completeSignUp` answered).
let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph({
    auth: (env) => startAuthService(parseAuthConfig(env)),
  });
});
afterAll(() => supergraph?.stop());

type Outcome = 'signed-up' | 'refused' | 'cut' | 'error';

/** How a request failed on the wire: refused before it began, or cut once it had. */
class WireFailure extends Error {
  constructor(readonly outcome: 'refused' | 'cut') {
    super(outcome);
  }
}

/** One operation over a keep-alive agent's connection. */
function postOver(url: string, agent: Agent): PostOperation {
  return (operation) =>
    new Promise((resolve, reject) => {
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
            if (!res.complete) return reject(new WireFailure('cut'));
            try {
              resolve(JSON.parse(text) as RawGraphQLAnswer);
            } catch {
              reject(new WireFailure('cut'));
            }
          });
          res.on('error', () => reject(new WireFailure('cut')));
        },
      );
      req.on('error', () => reject(new WireFailure(began ? 'cut' : 'refused')));
      req.end(JSON.stringify(operation));
    });
}

/** Both steps of one sign-up over the agent: the account is made by the second. */
async function signUp(url: string, agent: Agent, mailbox: Mailbox): Promise<Outcome> {
  try {
    const answer = await signUpMemberVia(postOver(url, agent), mailbox, `ka_${uniqueTag()}`);
    return answer.id ? 'signed-up' : 'error';
  } catch (error) {
    if (error instanceof WireFailure) return error.outcome;
    throw error;
  }
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
      const mailbox = supergraph.client.mailbox;
      if (!mailbox) throw new Error('no mailbox');
      const outcomes: Outcome[] = [];
      let stopping = false;
      const clients = Array.from({ length: 6 }, async () => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        for (;;) {
          const outcome = await signUp(gateway.url, agent, mailbox);
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
