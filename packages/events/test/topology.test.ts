import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertConsumerMatchesTopology,
  consumerTopology,
  createEnvelope,
  EventConsumer,
  InProcessTransport,
  isEventType,
  TopologyMismatchError,
  type ConsumerTopology,
  type EventEnvelope,
  type EventHandlers,
  type SqlClient,
} from '../src/index.js';
import { registeredUser } from './consumer-semantics.js';
import { RecordingLogger } from './recording-logger.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';
import { waitFor } from './wait-for.js';

const topology: ConsumerTopology = [
  { name: 'tests.late', types: ['auth.user.registered'], delivery: 'queue' },
  { name: 'tests.live', types: ['auth.user.registered'], delivery: 'broadcast' },
];

function collector(received: EventEnvelope[]) {
  return async (raw: unknown) => {
    received.push(raw as EventEnvelope);
    return 'ack' as const;
  };
}

describe('the topology list', () => {
  it('names each consumer once, as <subgraph>.<purpose>, with known event types', () => {
    const names = consumerTopology.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
    for (const entry of consumerTopology) {
      expect(entry.name).toMatch(/^[a-z][a-z0-9_-]*\.[a-z][a-z0-9_.-]*$/);
      expect(entry.types.length).toBeGreaterThan(0);
      expect(entry.types.every(isEventType)).toBe(true);
    }
    expect(assertConsumerMatchesTopology('users.accounts', ['auth.user.registered'])).toMatchObject(
      { delivery: 'queue' },
    );
  });

  it('rejects a consumer that is missing from it or handles other types', () => {
    expect(() => assertConsumerMatchesTopology('users.nobody', ['auth.user.registered'])).toThrow(
      /not in the topology list/,
    );
    expect(() => assertConsumerMatchesTopology('users.accounts', [])).toThrow(
      /listed but not handled: auth.user.registered/,
    );
    expect(() =>
      assertConsumerMatchesTopology('users.accounts', [
        'auth.user.registered',
        'auth.password.changed',
      ]),
    ).toThrow(/handled but not listed: auth.password.changed/);
    expect(() =>
      assertConsumerMatchesTopology('users.accounts', ['auth.user.registered'], 'broadcast'),
    ).toThrow(TopologyMismatchError);
  });
});

describe('InProcessTransport topology', () => {
  it('keeps events for a listed consumer that has not started yet, and unroutable ones', async () => {
    const transport = new InProcessTransport({ topology });
    const early = createEnvelope('auth', 'auth.user.registered', registeredUser());
    const nobodys = createEnvelope('auth', 'auth.password.changed', {
      userId: crypto.randomUUID(),
      email: 'ada@example.test',
      username: 'ada',
      changedAt: new Date().toISOString(),
    });
    await transport.publish([early, nobodys]);
    expect(transport.unroutable).toEqual([nobodys]);
    expect(transport.unroutableCount).toBe(1);

    const received: EventEnvelope[] = [];
    await transport.consume(
      { queue: 'tests.late', types: ['auth.user.registered'], retryDelaysMs: [] },
      collector(received),
    );
    await waitFor(
      () => received.length,
      (n) => n >= 1,
      { what: 'the early event' },
    );
    expect(received).toEqual([early]);
    await expect(
      transport.consume(
        { queue: 'tests.late', types: ['auth.password.changed'], retryDelaysMs: [] },
        async () => 'ack',
      ),
    ).rejects.toThrow(TopologyMismatchError);
    await transport.close();
  });

  it('broadcast: every subscriber gets every event, while a queue of the same name shares one copy', async () => {
    const transport = new InProcessTransport({ topology: [] });
    const spec = {
      queue: 'tests.shared',
      types: ['auth.user.registered' as const],
      retryDelaysMs: [],
    };
    const live = [[], []] as EventEnvelope[][];
    const shared: EventEnvelope[] = [];
    for (const received of live) {
      await transport.consume({ ...spec, delivery: 'broadcast' }, collector(received));
    }
    await transport.consume(spec, collector(shared));
    const events = Array.from({ length: 5 }, () =>
      createEnvelope('auth', 'auth.user.registered', registeredUser()),
    );
    await transport.publish(events);
    await waitFor(
      () => [...live, shared].map((list) => list.length),
      (counts) => counts.every((n) => n >= 5),
      { what: 'every delivery' },
    );
    for (const received of [...live, shared]) expect(received).toEqual(events);
    expect(transport.unroutableCount).toBe(0);
    await transport.close();
  });

  it('a listed broadcast consumer may subscribe many times; a closed one gets nothing more', async () => {
    const transport = new InProcessTransport({ topology });
    const spec = {
      queue: 'tests.live',
      types: ['auth.user.registered' as const],
      retryDelaysMs: [],
    };
    const first: EventEnvelope[] = [];
    const second: EventEnvelope[] = [];
    const subscription = await transport.consume(spec, collector(first));
    await transport.consume(spec, collector(second));
    await subscription.close();
    const event = createEnvelope('auth', 'auth.user.registered', registeredUser());
    await transport.publish([event]);
    await waitFor(
      () => second.length,
      (n) => n >= 1,
      { what: 'the broadcast' },
    );
    expect(first).toEqual([]);
    await transport.close();
  });
});

describe('EventConsumer.start() and the topology list', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  // The transport is given an empty list, so only the consumer's own check can refuse.
  const consumer = (
    name: string,
    handlers: EventHandlers<SqlClient>,
    transport = new InProcessTransport({ topology: [] }),
  ) =>
    new EventConsumer({
      name,
      db: database.db,
      transport,
      logger: new RecordingLogger(),
      handlers,
    });

  it('fails to start a listed consumer whose handlers disagree with its entry, and consumes nothing', async () => {
    const transport = new InProcessTransport({ topology: [] });
    const wrong = consumer(
      'users.accounts',
      { 'auth.user.registered': async () => {}, 'auth.password.changed': async () => {} },
      transport,
    );
    await expect(wrong.start()).rejects.toThrow(
      /"users.accounts" disagrees with the topology list \(handled but not listed: auth.password.changed\)/,
    );
    const none = consumer('users.accounts', {}, transport);
    await expect(none.start()).rejects.toThrow(TopologyMismatchError);
    // Nothing subscribed: the queue is still free for a consumer that matches.
    const handled: string[] = [];
    const right = consumer(
      'users.accounts',
      { 'auth.user.registered': async (event) => void handled.push(event.id) },
      transport,
    );
    await right.start();
    const event = createEnvelope('auth', 'auth.user.registered', registeredUser());
    await transport.publish([event]);
    await waitFor(
      () => handled,
      (ids) => ids.length >= 1,
      { what: 'the listed consumer' },
    );
    expect(handled).toEqual([event.id]);
    await right.stop();
    await transport.close();
  });

  it('starts an unlisted consumer (as tests use them)', async () => {
    const transport = new InProcessTransport({ topology: [] });
    const handled: string[] = [];
    const unlisted = consumer(
      'tests.unlisted',
      { 'auth.password.changed': async (event) => void handled.push(event.id) },
      transport,
    );
    await unlisted.start();
    const { userId, email, username } = registeredUser();
    const event = createEnvelope('auth', 'auth.password.changed', {
      userId,
      email,
      username,
      changedAt: new Date().toISOString(),
    });
    await transport.publish([event]);
    await waitFor(
      () => handled,
      (ids) => ids.length >= 1,
      { what: 'the unlisted consumer' },
    );
    await unlisted.stop();
    await transport.close();
  });
});
