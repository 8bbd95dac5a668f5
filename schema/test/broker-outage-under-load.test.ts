// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { setTimeout as pause } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { TcpProxy } from '@jobber/events/testing';
import {
  deadLetterCount,
  eventually,
  signUpMemberVia,
  startTestSupergraph,
  testConfig,
  uniqueTag,
  type PostOperation,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';

// The broker stopped for 30 s while members keep signing up: both subgraphs' broker connections
// run through a proxy that drops them and refuses new ones. Sign-ups keep working (the event
// waits in auth's outbox), both subgraphs stay ready (degraded, not out of service), and once
// the broker is back every account gets exactly one buyer profile.
const CUT_MS = 30_000;
const CLIENTS = 4;
const MAX_SIGN_UPS = 2_000;

let supergraph: TestSupergraph;
let proxy: TcpProxy;

beforeAll(async () => {
  proxy = await TcpProxy.start(Number(new URL(testConfig.TEST_AMQP_URL).port || 5672));
  const throughProxy = (env: Record<string, string>) => ({
    ...env,
    AMQP_URL: proxy.urlThrough(env['AMQP_URL'] ?? ''),
  });
  supergraph = await startTestSupergraph({
    auth: (env) => startAuthService(parseAuthConfig(throughProxy(env))),
    users: (env) => startUsersService(parseUsersConfig(throughProxy(env))),
  });
});
afterAll(async () => {
  proxy?.restore();
  await supergraph?.stop();
  await proxy?.close();
});

type Phase = 'before' | 'cut' | 'after';

async function readiness(adminUrl: string) {
  const response = await fetch(`${adminUrl}/readyz`);
  const body = (await response.json()) as { status: string };
  return { status: response.status, readiness: body.status };
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('the broker stopped for 30 s under sign-up load', () => {
  it(
    'every sign-up succeeds, both subgraphs stay ready, and every account gets one buyer profile',
    { timeout: 150_000 },
    async () => {
      const authDb = supergraph.databases.auth?.url ?? '';
      const usersDb = supergraph.databases.users?.url ?? '';
      const admins = {
        auth: supergraph.subgraphs.auth?.adminUrl ?? '',
        users: supergraph.subgraphs.users?.adminUrl ?? '',
      };
      const tag = uniqueTag();
      let phase: Phase = 'before';
      let loading = true;
      const answers: { phase: Phase; errors: unknown[] }[] = [];
      // Both steps of each sign-up through the gateway (the link read from auth's outbox).
      const mailbox = supergraph.client.mailbox;
      if (!mailbox) throw new Error('no mailbox');
      const post: PostOperation = ({ query, variables }) =>
        supergraph.client.request(query, variables);

      // A steady sign-up load: 4 clients, each one sign-up after another, bounded in count until
      // the broker is back; the bound pauses the clients, never ends them: the end waits for
      // sign-ups after the cut (at ~55/s the cut alone made 1,700 of the 2,000).
      const load = Array.from({ length: CLIENTS }, async (_, client) => {
        for (let i = 0; loading; i++) {
          if (phase !== 'after' && answers.length >= MAX_SIGN_UPS) {
            await pause(100);
            continue;
          }
          const started = phase;
          const username = `load_${tag}_${client}_${i}`;
          const answer = await signUpMemberVia(post, mailbox, username);
          answers.push({
            phase: started === phase ? started : 'cut', // one that spans a cut edge counts as in the cut
            errors: answer.errors,
          });
        }
      });
      const buyers = async () =>
        (await query<{ n: number }>(usersDb, 'SELECT count(*)::int AS n FROM buyers'))[0]?.n ?? 0;

      try {
        // Events flow before the cut.
        await eventually(async () => (await buyers()) >= CLIENTS, {
          timeoutMs: 30_000,
          what: 'buyer profiles before the cut',
        });

        proxy.cut();
        phase = 'cut';
        const cutOver = pause(CUT_MS);
        const seen: { auth: number[]; users: number[] } = { auth: [], users: [] };
        const degraded = { auth: false, users: false };
        // Readiness sampled throughout the cut (every 250 ms, until the 30 s are over).
        const sampling = (async () => {
          let over = false;
          void cutOver.then(() => (over = true));
          while (!over) {
            for (const name of ['auth', 'users'] as const) {
              const answer = await readiness(admins[name]);
              seen[name].push(answer.status);
              if (answer.readiness === 'degraded') degraded[name] = true;
            }
            await Promise.race([cutOver, pause(250)]);
          }
        })();
        await cutOver;
        await sampling;
        proxy.restore();
        phase = 'after';

        // Both noticed the outage (the cut reached both connections), and neither left service.
        expect(degraded).toEqual({ auth: true, users: true });
        expect(seen.auth.length).toBeGreaterThan(10);
        expect(seen.users.length).toBeGreaterThan(10);
        expect(seen.auth.filter((status) => status !== 200)).toEqual([]);
        expect(seen.users.filter((status) => status !== 200)).toEqual([]);

        // Back: both reconnect; a few more sign-ups go through with the broker up.
        await eventually(
          async () =>
            (await readiness(admins.auth)).readiness === 'ok' &&
            (await readiness(admins.users)).readiness === 'ok',
          { timeoutMs: 30_000, what: 'both subgraphs to report the broker back' },
        );
        const afterCount = answers.length;
        await eventually(() => answers.length >= afterCount + CLIENTS, {
          what: 'sign-ups after the broker is back',
        });
      } finally {
        loading = false;
        await Promise.all(load);
      }

      const byPhase = (which: Phase) => answers.filter((answer) => answer.phase === which);
      console.log(
        `sign-ups: ${byPhase('before').length} before, ${byPhase('cut').length} during the ` +
          `${CUT_MS / 1000} s cut, ${byPhase('after').length} after; proxy cut ${proxy.cutCount} connections`,
      );
      expect(byPhase('cut').length).toBeGreaterThan(CLIENTS);
      expect(answers.filter((answer) => answer.errors.length > 0)).toEqual([]);

      // Every account has exactly one buyer profile: the same ids on both sides.
      const accounts = (
        await query<{ id: string }>(authDb, 'SELECT id FROM users ORDER BY id')
      ).map((row) => row.id);
      expect(accounts).toHaveLength(answers.length);
      const buyerIds = await eventually(
        async () => {
          const ids = (
            await query<{ id: string }>(usersDb, 'SELECT id FROM buyers ORDER BY id')
          ).map((row) => row.id);
          return ids.length >= accounts.length && ids;
        },
        { timeoutMs: 60_000, intervalMs: 250, what: 'a buyer profile for every account' },
      );
      expect(buyerIds).toEqual(accounts);
      const [inbox] = await query<{ events: number; ids: number }>(
        usersDb,
        `SELECT count(*)::int AS events, count(DISTINCT event_id)::int AS ids
         FROM inbox_events WHERE consumer = 'users.accounts'`,
      );
      expect(inbox).toEqual({ events: accounts.length, ids: accounts.length });
      const [outbox] = await query<{ unsent: number }>(
        authDb,
        'SELECT count(*)::int AS unsent FROM outbox_events WHERE sent_at IS NULL',
      );
      expect(outbox).toEqual({ unsent: 0 });
      expect(await deadLetterCount(supergraph.events, 'users.accounts')).toBe(0);
    },
  );
});
