// The event path end to end: auth's outbox → its relay → RabbitMQ → users' `users.accounts`
// consumer (inbox + buyer profile in one transaction). 10,000 `auth.user.registered` events are
// written straight into auth's outbox (signing up 10,000 accounts would measure argon2 instead).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { enqueueEvent } from '@jobber/events';
import { eventually } from '@jobber/test-kit';
import { uniqueTag } from '@jobber/test-kit';
import { withBenchSupergraph } from './lib/bench-supergraph.js';
import { machineSummary } from './lib/machine.js';
import { summarize } from './lib/percentiles.js';
import { inTransaction } from './lib/pg-sql-client.js';
import { printTable, round } from './lib/table.js';

const EVENTS = 10_000;
const PER_TRANSACTION = 100;
const TIME_LIMIT_MS = 300_000;

async function count(pool: pg.Pool, sql: string): Promise<number> {
  const result = await pool.query<{ n: number }>(sql);
  return result.rows[0]?.n ?? 0;
}

console.log(`events — ${machineSummary()}`);
await withBenchSupergraph(async ({ supergraph, statements }) => {
  const { auth, users } = supergraph.databases;
  if (!auth || !users) throw new Error('auth and users must be running');
  const authDb = new pg.Pool({ connectionString: auth.url, max: 2 });
  const usersDb = new pg.Pool({ connectionString: users.url, max: 2 });
  try {
    const tag = uniqueTag();
    const occurredAt = new Map<string, number>();
    statements.users.reset();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();

    for (let batch = 0; batch < EVENTS / PER_TRANSACTION; batch++) {
      await inTransaction(authDb, async (tx) => {
        for (let i = 0; i < PER_TRANSACTION; i++) {
          const username = `event_${tag}_${batch * PER_TRANSACTION + i}`;
          const envelope = await enqueueEvent(tx, 'auth', 'auth.user.registered', {
            userId: randomUUID(),
            email: `${username}@example.com`,
            username,
            country: 'NG',
            profilePictureUrl: null,
            registeredAt: new Date().toISOString(),
          });
          occurredAt.set(envelope.data.userId, Date.parse(envelope.occurredAt));
        }
      });
    }
    const enqueuedMs = performance.now() - started;
    const profilesAtEnqueueEnd = await count(usersDb, 'SELECT count(*)::int AS n FROM buyers');

    let publishedMs = Number.NaN;
    await eventually(
      async () => {
        if (Number.isNaN(publishedMs)) {
          const unsent = 'SELECT count(*)::int AS n FROM outbox_events WHERE sent_at IS NULL';
          if ((await count(authDb, unsent)) === 0) publishedMs = performance.now() - started;
        }
        return (await count(usersDb, 'SELECT count(*)::int AS n FROM buyers')) >= EVENTS;
      },
      { timeoutMs: TIME_LIMIT_MS, intervalMs: 50, what: `${EVENTS} buyer profiles` },
    );
    const doneMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);

    // Latency per event: when users wrote the profile (updated_at, set on insert) − occurredAt.
    const written = await usersDb.query<{ id: string; written_at: Date }>(
      'SELECT id::text AS id, updated_at AS written_at FROM buyers',
    );
    const latencies = written.rows.flatMap((row) => {
      const at = occurredAt.get(row.id);
      return at === undefined ? [] : [row.written_at.getTime() - at];
    });
    if (latencies.length !== EVENTS) throw new Error(`matched ${latencies.length}/${EVENTS}`);
    const latency = summarize(latencies);

    printTable(`${EVENTS} auth.user.registered → buyer profiles (outbox → RabbitMQ → inbox)`, [
      {
        events: EVENTS,
        'enqueued s': round(enqueuedMs / 1000, 2),
        'published s': round(publishedMs / 1000, 2),
        'all profiles s': round(doneMs / 1000, 2),
        'events/s': round(EVENTS / (doneMs / 1000), 0),
        // How fast users worked off the backlog once the producer had stopped competing for CPU.
        'drain events/s': round(
          (EVENTS - profilesAtEnqueueEnd) / ((doneMs - enqueuedMs) / 1000),
          0,
        ),
        'p50 ms': round(latency.p50Ms, 0),
        'p95 ms': round(latency.p95Ms, 0),
        'p99 ms': round(latency.p99Ms, 0),
        'SQL/event users': round(statements.users.count / EVENTS, 2),
        'CPU %': round(((cpu.user + cpu.system) / 1000 / doneMs) * 100, 0),
      },
    ]);
    console.log(
      `  times from the first enqueue; ${profilesAtEnqueueEnd} profiles existed when the last event was enqueued`,
    );
    console.log(
      "  latency = profile written − event occurredAt, the burst's backlog included; nothing nudges the relay here, so it also waits for its 1 s poll when it has caught up",
    );
  } finally {
    await authDb.end();
    await usersDb.end();
  }
});
