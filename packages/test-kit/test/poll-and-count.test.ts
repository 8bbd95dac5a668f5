import { describe, expect, it } from 'vitest';
import { eventually, statementCounter } from '../src/index.js';

describe('eventually', () => {
  it('returns the first truthy value of the probe', async () => {
    let calls = 0;
    await expect(
      eventually(() => (++calls >= 3 ? 'ready' : null), { intervalMs: 1 }),
    ).resolves.toBe('ready');
    expect(calls).toBe(3);
  });

  it('backs off by half each probe up to maxIntervalMs', async () => {
    const gaps = async (options: { intervalMs: number; maxIntervalMs?: number }) => {
      const times: number[] = [];
      await eventually(() => {
        times.push(performance.now());
        return times.length >= 7;
      }, options);
      return times.slice(1).map((time, i) => time - (times[i] ?? 0));
    };
    const growing = await gaps({ intervalMs: 10, maxIntervalMs: 40 });
    // Timers never fire early (1 ms of rounding allowed); late is the machine's business.
    [10, 15, 22.5, 33.75, 40, 40].forEach((least, i) =>
      expect(growing[i]).toBeGreaterThan(least - 1),
    );
  });

  it('fails after its deadline, naming what it waited for and the last error', async () => {
    await expect(
      eventually(
        () => {
          throw new Error('still missing');
        },
        { timeoutMs: 30, intervalMs: 5, what: 'the profile' },
      ),
    ).rejects.toThrow('timed out waiting for the profile: still missing');
  });
});

describe('statementCounter', () => {
  it('counts request statements and ignores the event machinery', () => {
    const counter = statementCounter();
    counter.onQuery('SELECT "public"."users"."id" FROM "public"."users" WHERE id IN ($1,$2)');
    counter.onQuery(
      'SELECT id::text AS id, payload FROM outbox_events WHERE sent_at IS NULL FOR UPDATE SKIP LOCKED',
    );
    counter.onQuery('INSERT INTO inbox_events (consumer, event_id, type) VALUES ($1, $2, $3)');
    counter.onQuery('COMMIT');
    expect(counter.count).toBe(1);
    counter.reset();
    expect(counter.count).toBe(0);
  });
});
