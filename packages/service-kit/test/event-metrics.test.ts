import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  EventConnections,
  NoEventConnectionError,
  consumerConcurrency,
  createEventMetrics,
  eventConnectionBudget,
} from '../src/index.js';

describe('createEventMetrics', () => {
  it('maps the events sink to Prometheus series', async () => {
    const registry = new Registry();
    const metrics = createEventMetrics({
      registry,
      deadLetterQueues: () => ['users.accounts'],
      readDeadLetters: async () => 3,
    });
    metrics.outboxBacklog({ unsent: 4, oldestUnsentAgeMs: 2500, parked: 1 });
    metrics.eventsPublished(5);
    metrics.eventsParked(1);
    metrics.consumerOutcome('users.accounts', 'handled');
    metrics.consumerOutcome('users.accounts', 'handled');
    metrics.consumerOutcome('users.accounts', 'dead_lettered');
    const text = await registry.metrics();
    for (const line of [
      'events_outbox_unsent 4',
      'events_outbox_oldest_unsent_age_seconds 2.5',
      'events_outbox_parked 1',
      'events_published_total 5',
      'events_parked_total 1',
      'events_consumed_total{consumer="users.accounts",outcome="handled"} 2',
      'events_consumed_total{consumer="users.accounts",outcome="dead_lettered"} 1',
      'events_dead_letter_depth{queue="users.accounts"} 3',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
  });

  it('leaves out a queue whose depth cannot be read in time, without failing the scrape', async () => {
    const registry = new Registry();
    let reads = 0;
    createEventMetrics({
      registry,
      deadLetterQueues: () => ['users.accounts', 'users.stalled', 'users.broken'],
      readDeadLetters: (queue) => {
        reads += 1;
        if (queue === 'users.stalled') return new Promise<number>(() => {});
        if (queue === 'users.broken') return Promise.reject(new Error('no such queue'));
        return Promise.resolve(0);
      },
      readTimeoutMs: 50,
    });
    const text = await registry.metrics();
    expect(text).toContain('events_dead_letter_depth{queue="users.accounts"} 0');
    expect(text).not.toContain('users.stalled');
    expect(text).not.toContain('users.broken');
    // The stalled read is still the one in flight: a second scrape does not start another.
    await registry.metrics();
    expect(reads).toBe(5);
  });
});

describe('EventConnections', () => {
  it('sizes the event machinery below the pool', () => {
    expect([1, 2, 3, 4, 10, 50].map(eventConnectionBudget)).toEqual([1, 1, 2, 3, 3, 3]);
    expect([1, 2, 3, 10].map(consumerConcurrency)).toEqual([1, 1, 2, 2]);
  });

  it('lets at most `size` run, fails a waiter past its maxWait unstarted, and hands slots on in order', async () => {
    const gate = new EventConnections(1);
    let release!: () => void;
    const held = gate.run(() => new Promise<void>((resolve) => (release = resolve)));
    let started = false;
    const db = gate.wrap({
      $queryRawUnsafe: async <T>() => [] as T,
      $executeRawUnsafe: async () => 0,
      $transaction: async <R>(work: (tx: never) => Promise<R>) => {
        started = true;
        return work(undefined as never);
      },
    });
    await expect(db.$transaction(async () => 1, { maxWait: 20 })).rejects.toThrow(
      NoEventConnectionError,
    );
    expect(started).toBe(false);
    const order: string[] = [];
    const first = gate.run(async () => void order.push('first'));
    const second = db.$transaction(async () => void order.push('second'));
    release();
    await Promise.all([held, first, second]);
    expect(order).toEqual(['first', 'second']);
  });
});
