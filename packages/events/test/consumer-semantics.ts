import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEnvelope,
  enqueueEvent,
  EventConsumer,
  OutboxRelay,
  type EventData,
  type EventEnvelope,
  type EventHandlers,
  type EventTransport,
} from '../src/index.js';
import type { PgQueries } from './pg-sql-client.js';
import { randomSuffix, testLogger } from './services.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { waitFor } from './wait-for.js';

export interface DeadLetterView {
  body: unknown;
  reason: string;
  attempt: number;
}

/** What the shared cases need from a transport under test. */
export interface TransportHarness {
  transport: EventTransport;
  /** Delivers an arbitrary text body with this routing key, bypassing envelope validation. */
  injectRaw(routingKey: string, text: string): Promise<void>;
  /** Everything dead-lettered from the consumer `queue` (unprefixed name) so far. */
  deadLetters(queue: string): Promise<DeadLetterView[]>;
  /** Removes what the cases declared; `queues` are the consumer names used. */
  cleanup(queues: string[], retryDelaysMs: number[]): Promise<void>;
}

const effectsSql = `
CREATE TABLE effects (
  consumer text NOT NULL, event_id uuid NOT NULL, username text NOT NULL,
  applied integer NOT NULL, PRIMARY KEY (consumer, event_id));
`;

const retryDelaysMs = [50, 100];

let userCounter = 0;
export function registeredUser(): EventData<'auth.user.registered'> {
  userCounter += 1;
  return {
    userId: crypto.randomUUID(),
    email: `user${userCounter}@example.test`,
    username: `user${userCounter}_${randomSuffix()}`,
    country: 'DE',
    profilePictureUrl: null,
    registeredAt: new Date().toISOString(),
  };
}

/**
 * The consumer and relay behaviour every transport must show, run against a real PostgreSQL
 * database. `createHarness` is called once per file.
 */
export function describeConsumerSemantics(
  transportName: string,
  createHarness: () => Promise<TransportHarness>,
): void {
  describe(`consumer semantics over ${transportName}`, () => {
    let database: TestDatabase;
    let harness: TransportHarness;
    const usedNames: string[] = [];
    const logger = testLogger();

    beforeAll(async () => {
      database = await createTestDatabase(effectsSql);
      harness = await createHarness();
    });

    afterAll(async () => {
      await harness?.transport.close();
      await harness?.cleanup(usedNames, retryDelaysMs);
      await database?.drop();
    });

    /** A consumer whose handler records the effect; `beforeApply` may throw to simulate failure. */
    function consumerNamed(
      purpose: string,
      beforeApply: (event: EventEnvelope<'auth.user.registered'>) => void = () => undefined,
      prefetch?: number,
    ) {
      const name = `tests.${purpose}`;
      usedNames.push(name);
      const calls: string[] = [];
      const handlers: EventHandlers<PgQueries> = {
        'auth.user.registered': async (event, tx) => {
          calls.push(event.id);
          beforeApply(event);
          await tx.$executeRawUnsafe(
            `INSERT INTO effects (consumer, event_id, username, applied)
             VALUES ($1::text, $2::uuid, $3::text, 1)
             ON CONFLICT (consumer, event_id) DO UPDATE SET applied = effects.applied + 1`,
            name,
            event.id,
            event.data.username,
          );
        },
      };
      const consumer = new EventConsumer({
        name,
        db: database.db,
        transport: harness.transport,
        logger,
        handlers,
        retryDelaysMs,
        ...(prefetch === undefined ? {} : { prefetch }),
      });
      return { name, consumer, calls };
    }

    async function effectsOf(consumer: string) {
      return database.db.$queryRawUnsafe<{ event_id: string; username: string; applied: number }[]>(
        'SELECT event_id::text, username, applied FROM effects WHERE consumer = $1::text ORDER BY username',
        consumer,
      );
    }

    async function inboxCount(consumer: string): Promise<number> {
      const rows = await database.db.$queryRawUnsafe<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM inbox_events WHERE consumer = $1::text',
        consumer,
      );
      return rows[0]?.n ?? 0;
    }

    it('delivers events committed through the outbox once, and nothing from a rolled-back transaction', async () => {
      const { name, consumer } = consumerNamed('round_trip');
      await consumer.start();
      const relay = new OutboxRelay({ db: database.db, transport: harness.transport, logger });

      const committed = await database.db.$transaction(async (tx) => [
        await enqueueEvent(tx, 'auth', 'auth.user.registered', registeredUser()),
        await enqueueEvent(tx, 'auth', 'auth.user.registered', registeredUser()),
      ]);
      const rolledBack = registeredUser();
      await expect(
        database.db.$transaction(async (tx) => {
          await enqueueEvent(tx, 'auth', 'auth.user.registered', rolledBack);
          throw new Error('state change failed');
        }),
      ).rejects.toThrow('state change failed');
      const third = await database.db.$transaction((tx) =>
        enqueueEvent(tx, 'auth', 'auth.user.registered', registeredUser()),
      );

      expect(await relay.drain()).toBe(3);
      const sent = [...committed, third];
      const effects = await waitFor(
        () => effectsOf(name),
        (rows) => rows.length >= 3,
        {
          what: 'three effects',
        },
      );
      expect(effects.map((row) => row.event_id).sort()).toEqual(sent.map((e) => e.id).sort());
      expect(effects.every((row) => row.applied === 1)).toBe(true);
      expect(effects.map((row) => row.username)).not.toContain(rolledBack.username);

      const outbox = await database.db.$queryRawUnsafe<{ id: string; sent: boolean }[]>(
        'SELECT id::text, sent_at IS NOT NULL AS sent FROM outbox_events',
      );
      expect(outbox).toHaveLength(3);
      expect(outbox.every((row) => row.sent)).toBe(true);
      await consumer.stop();
    });

    it('applies an event delivered twice only once (inbox)', async () => {
      const { name, consumer, calls } = consumerNamed('duplicate', undefined, 1);
      await consumer.start();
      const event = createEnvelope('auth', 'auth.user.registered', registeredUser());
      const marker = createEnvelope('auth', 'auth.user.registered', registeredUser());
      // prefetch 1: deliveries are handled in order, so once the marker is applied both copies were seen.
      await harness.transport.publish([event, event]);
      await harness.transport.publish([marker]);

      await waitFor(
        () => effectsOf(name),
        (rows) => rows.some((r) => r.event_id === marker.id),
        {
          what: 'the marker event',
        },
      );
      const effects = await effectsOf(name);
      expect(effects.find((row) => row.event_id === event.id)?.applied).toBe(1);
      expect(calls.filter((id) => id === event.id)).toHaveLength(1);
      expect(await inboxCount(name)).toBe(2);
      await consumer.stop();
    });

    it('retries a failing handler with back-off and applies it once when it succeeds', async () => {
      const failuresLeft = new Map<string, number>();
      const { name, consumer, calls } = consumerNamed('flaky', (event) => {
        const left = failuresLeft.get(event.id) ?? 2;
        failuresLeft.set(event.id, left - 1);
        if (left > 0) throw new Error(`transient failure, ${left} left`);
      });
      await consumer.start();
      const event = createEnvelope('auth', 'auth.user.registered', registeredUser());
      await harness.transport.publish([event]);

      const effects = await waitFor(
        () => effectsOf(name),
        (rows) => rows.length > 0,
        {
          what: 'the effect after retries',
        },
      );
      expect(effects).toEqual([{ event_id: event.id, username: event.data.username, applied: 1 }]);
      expect(calls).toEqual([event.id, event.id, event.id]);
      expect(await inboxCount(name)).toBe(1);
      expect(await harness.deadLetters(name)).toEqual([]);
      await consumer.stop();
    });

    it('dead-letters an event whose handler always fails, with the original body', async () => {
      const { name, consumer, calls } = consumerNamed('doomed', () => {
        throw new Error('permanent failure');
      });
      await consumer.start();
      const event = createEnvelope('auth', 'auth.user.registered', registeredUser());
      await harness.transport.publish([event]);

      const dead = await waitFor(
        () => harness.deadLetters(name),
        (rows) => rows.length > 0,
        {
          what: 'a dead letter',
        },
      );
      expect(dead).toEqual([{ body: event, reason: 'retries-exhausted', attempt: 3 }]);
      expect(calls).toHaveLength(1 + retryDelaysMs.length);
      expect(await effectsOf(name)).toEqual([]);
      expect(await inboxCount(name)).toBe(0);
      await consumer.stop();
    });

    it('dead-letters invalid messages at once without running the handler', async () => {
      const { name, consumer, calls } = consumerNamed('strict');
      await consumer.start();
      const valid = createEnvelope('auth', 'auth.user.registered', registeredUser());
      const invalidData = { ...valid, data: { ...valid.data, email: 'not an email' } };
      const unknownType = { ...valid, type: 'auth.user.teleported' };
      await harness.injectRaw('auth.user.registered', 'this is not JSON');
      await harness.injectRaw('auth.user.registered', JSON.stringify(invalidData));
      await harness.injectRaw('auth.user.registered', JSON.stringify(unknownType));

      const dead = await waitFor(
        () => harness.deadLetters(name),
        (rows) => rows.length >= 3,
        {
          what: 'three dead letters',
        },
      );
      expect(dead).toHaveLength(3);
      expect(dead.map((d) => d.body)).toEqual(
        expect.arrayContaining(['this is not JSON', invalidData, unknownType]),
      );
      expect(dead.every((d) => d.reason === 'rejected' && d.attempt === 1)).toBe(true);
      expect(calls).toEqual([]);
      expect(await inboxCount(name)).toBe(0);
      await consumer.stop();
    });
  });
}
