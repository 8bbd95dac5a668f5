// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmqpTransport, createEnvelope, type EventLogger } from '@jobber/events';
import {
  deadLetterCount,
  eventually,
  queueLength,
  startTestSupergraph,
  uniqueTag,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';

// A backlog drains while the same subgraph serves GraphQL: 10,000 `auth.user.registered` wait in
// users' queue before users starts, on a pool of 2 connections; 4 clients page through sellers
// through the gateway meanwhile. Every event makes one buyer profile, none is dead-lettered, and
// the page requests keep being answered.
const BACKLOG = 10_000;
const SELLERS = 20;
const CLIENTS = 4;
const PAGE = `{ sellers(first: 20) { edges { node { fullName } } } }`;

const silent: EventLogger = { debug() {}, info() {}, warn() {}, error() {} };
let supergraph: TestSupergraph;
const backlogIds: string[] = [];
let usersStartedAt = 0;

async function query<T>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** 20 sellers (and their buyer profiles) written straight into users' database. */
async function seedSellers(databaseUrl: string) {
  const ids = Array.from({ length: SELLERS }, () => randomUUID());
  await query(
    databaseUrl,
    `INSERT INTO buyers (id, username, country, created_at)
     SELECT id, 'seller_' || n, 'NG', now() FROM unnest($1::uuid[]) WITH ORDINALITY AS s(id, n);
     `,
    [ids],
  );
  await query(
    databaseUrl,
    `INSERT INTO sellers (user_id, full_name, oneliner, description, skills, skill_keys, languages,
                          response_time_hours, updated_at)
     SELECT id, 'Seller ' || n, 'Logos', 'I design things.', '{design}', '{design}',
            '[{"language":"English","level":"FLUENT"}]', 12, now()
     FROM unnest($1::uuid[]) WITH ORDINALITY AS s(id, n)`,
    [ids],
  );
}

/** The backlog, published to the file's exchange (the transport declares users' queue). */
async function publishBacklog(env: Record<string, string>) {
  const transport = new AmqpTransport({
    url: env['AMQP_URL'] ?? '',
    exchange: env['EVENTS_EXCHANGE'] ?? '',
    queuePrefix: env['EVENTS_QUEUE_PREFIX'] ?? '',
    logger: silent,
  });
  const tag = uniqueTag();
  try {
    for (let i = 0; i < BACKLOG; i += 500) {
      const batch = Array.from({ length: Math.min(500, BACKLOG - i) }, (_, j) => {
        const username = `backlog_${tag}_${i + j}`;
        return createEnvelope('auth', 'auth.user.registered', {
          userId: randomUUID(),
          email: `${username}@example.com`,
          username,
          country: 'NG',
          profilePictureUrl: null,
          registeredAt: new Date().toISOString(),
        });
      });
      const result = await transport.publish(batch);
      if (result.failed.length) throw new Error(`${result.failed.length} events not published`);
      backlogIds.push(...batch.map((event) => event.data.userId));
    }
  } finally {
    await transport.close();
  }
}

beforeAll(async () => {
  supergraph = await startTestSupergraph({
    users: async (env) => {
      await seedSellers(env['DATABASE_URL'] ?? '');
      await publishBacklog(env);
      const names = {
        amqpUrl: env['AMQP_URL'] ?? '',
        exchange: env['EVENTS_EXCHANGE'] ?? '',
        queuePrefix: env['EVENTS_QUEUE_PREFIX'] ?? '',
      };
      const queued = await queueLength(names, 'users.accounts');
      if (queued !== BACKLOG) throw new Error(`${queued} of ${BACKLOG} events in users' queue`);
      usersStartedAt = performance.now();
      return startUsersService(parseUsersConfig({ ...env, DATABASE_POOL_SIZE: '2' }));
    },
  });
}, 120_000);
afterAll(() => supergraph?.stop());

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** `CLIENTS` clients paging through sellers until `done(requests so far)`; latencies and codes. */
async function pageLoad(done: (requests: number) => boolean) {
  const latencies: number[] = [];
  const codes: Record<string, number> = {};
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (!done(latencies.length)) {
        const started = performance.now();
        const answer = await supergraph.client.request<{ sellers: { edges: unknown[] } }>(PAGE);
        latencies.push(performance.now() - started);
        const code = answer.errors.length
          ? String(answer.errors[0]?.extensions?.['code'] ?? 'none')
          : answer.data?.sellers.edges.length === SELLERS
            ? 'ok'
            : 'short page';
        codes[code] = (codes[code] ?? 0) + 1;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    codes,
    p50: Math.round(percentile(latencies, 50)),
    p99: Math.round(percentile(latencies, 99)),
    max: Math.round(latencies.at(-1) ?? NaN),
  };
}

describe('a 10,000-event backlog drained under GraphQL load on users (pool of 2)', () => {
  it(
    'makes exactly one buyer profile per event, dead-letters none, and keeps answering pages',
    { timeout: 420_000 },
    async () => {
      const usersDb = supergraph.databases.users?.url ?? '';
      const loadStartedAfterMs = Math.round(performance.now() - usersStartedAt);
      const backlogBuyers = async () =>
        (
          await query<{ n: number }>(
            usersDb,
            'SELECT count(*)::int AS n FROM buyers WHERE id = ANY($1::uuid[])',
            [backlogIds],
          )
        )[0]?.n ?? 0;

      const progress: string[] = [];
      let lastLogged = 0;
      const drained = eventually(
        async () => {
          const made = await backlogBuyers();
          const seconds = (performance.now() - usersStartedAt) / 1000;
          if (seconds - lastLogged >= 10) {
            lastLogged = seconds;
            progress.push(`${Math.round(seconds)} s: ${made}`);
          }
          return made >= BACKLOG;
        },
        {
          timeoutMs: 360_000,
          intervalMs: 500,
          what: `${BACKLOG} buyer profiles from the backlog`,
        },
      );
      let settled = false;
      void drained.finally(() => (settled = true)).catch(() => {});
      const during = await pageLoad(() => settled);
      console.log(
        `page load during the drain (started ${loadStartedAfterMs} ms after users): ` +
          `${JSON.stringify(during)}\nbuyer profiles made: ${progress.join(', ')}`,
      );
      await drained;
      const drainSeconds = (performance.now() - usersStartedAt) / 1000;
      // The same load with the queue empty: the baseline the figures above compare with.
      const after = await pageLoad((requests) => requests >= 400);

      console.log(
        `backlog of ${BACKLOG}: drained in ${drainSeconds.toFixed(1)} s ` +
          `(${Math.round(BACKLOG / drainSeconds)} events/s)\n` +
          `sellers(first: 20) after it (400 requests): ${JSON.stringify(after)}`,
      );

      expect(await backlogBuyers()).toBe(BACKLOG);
      const [all] = await query<{ n: number }>(usersDb, 'SELECT count(*)::int AS n FROM buyers');
      expect(all?.n).toBe(BACKLOG + SELLERS);
      expect(await deadLetterCount(supergraph.events, 'users.accounts')).toBe(0);
      expect(await queueLength(supergraph.events, 'users.accounts')).toBe(0);
      // Pages were served throughout: most answered, and none with an internal error.
      expect(during.requests).toBeGreaterThan(CLIENTS);
      expect(during.codes['INTERNAL_SERVER_ERROR'] ?? 0).toBe(0);
      expect(during.codes['ok'] ?? 0).toBeGreaterThan(during.requests / 2);
    },
  );
});
