import { Counter, Gauge, type Registry } from 'prom-client';
import type { ConsumerOutcome, EventMetrics, OutboxBacklog } from '@jobber/events';
import type { Logger } from './logger.js';

/** Reads how many messages a consumer queue's dead-letter queue holds (`queue` before any prefix). */
export type DeadLetterReader = (queue: string) => Promise<number>;

export interface EventMetricsOptions {
  registry: Registry;
  /** The consumer queues whose dead letters `events_dead_letter_depth` shows, read at scrape time. */
  deadLetterQueues?: () => readonly string[];
  /** How to read one queue's dead-letter depth; without it the gauge stays empty. */
  readDeadLetters?: DeadLetterReader;
  /** Longest a scrape waits for a depth; a queue whose read fails or takes longer is left out. */
  readTimeoutMs?: number;
  logger?: Logger;
}

/**
 * The events package's `EventMetrics` sink on prom-client, in the registry of the service's
 * /metrics: the outbox backlog the relay samples, what it published and parked, each consumer's
 * outcomes, and (read when scraped) the depth of each consumer queue's dead-letter queue.
 */
export function createEventMetrics(options: EventMetricsOptions): EventMetrics {
  const registers = [options.registry];
  const unsent = new Gauge({
    name: 'events_outbox_unsent',
    help: 'Outbox rows not yet published (parked rows excluded), as last sampled by the relay',
    registers,
  });
  const oldestAge = new Gauge({
    name: 'events_outbox_oldest_unsent_age_seconds',
    help: 'Age of the oldest unsent outbox row (0 when there is none), as last sampled',
    registers,
  });
  const parked = new Gauge({
    name: 'events_outbox_parked',
    help: 'Outbox rows the relay gave up on (they stay until someone looks at them)',
    registers,
  });
  const published = new Counter({
    name: 'events_published_total',
    help: 'Events the relay published and marked sent',
    registers,
  });
  const parkedTotal = new Counter({
    name: 'events_parked_total',
    help: 'Outbox rows the relay parked',
    registers,
  });
  const consumed = new Counter({
    name: 'events_consumed_total',
    help: 'Deliveries by consumer and outcome (handled, duplicate, failed, retried, dead_lettered)',
    labelNames: ['consumer', 'outcome'] as const,
    registers,
  });

  const { readDeadLetters, deadLetterQueues } = options;
  if (readDeadLetters && deadLetterQueues) {
    const timeoutMs = options.readTimeoutMs ?? 2_000;
    // One read per queue at a time: a slow broker never piles up reads across scrapes.
    const inFlight = new Map<string, Promise<number>>();
    const read = (queue: string): Promise<number> => {
      let pending = inFlight.get(queue);
      if (!pending) {
        pending = readDeadLetters(queue).finally(() => inFlight.delete(queue));
        inFlight.set(queue, pending);
      }
      return withTimeout(pending, timeoutMs);
    };
    new Gauge({
      name: 'events_dead_letter_depth',
      help: 'Messages in each consumer queue’s dead-letter queue, read at scrape time',
      labelNames: ['queue'] as const,
      registers,
      async collect() {
        const queues = deadLetterQueues();
        const depths = await Promise.allSettled(queues.map(read));
        this.reset();
        depths.forEach((depth, i) => {
          const queue = queues[i] as string;
          if (depth.status === 'fulfilled') this.set({ queue }, depth.value);
          else
            options.logger?.debug(
              { queue, err: String(depth.reason) },
              'metrics: dead-letter depth not read',
            );
        });
      },
    });
  }

  return {
    outboxBacklog(sample: OutboxBacklog) {
      unsent.set(sample.unsent);
      oldestAge.set(sample.oldestUnsentAgeMs / 1000);
      parked.set(sample.parked);
    },
    eventsPublished(count: number) {
      published.inc(count);
    },
    eventsParked(count: number) {
      parkedTotal.inc(count);
    },
    consumerOutcome(consumer: string, outcome: ConsumerOutcome) {
      consumed.inc({ consumer, outcome });
    },
  };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
