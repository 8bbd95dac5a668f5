/** The outbox's state, sampled by the relay. */
export interface OutboxBacklog {
  /** Rows not yet sent and not parked (waiting, or waiting for their next attempt). */
  unsent: number;
  /** Age of the oldest of them in ms; 0 when there is none. */
  oldestUnsentAgeMs: number;
  /** Rows the relay gave up on (they stay until someone looks at them). */
  parked: number;
}

/**
 * What a consumer did with one delivery. A handler that throws reports `failed`, then
 * `retried` or `dead_lettered` (its retries used up); an invalid message only `dead_lettered`.
 */
export type ConsumerOutcome = 'handled' | 'duplicate' | 'failed' | 'retried' | 'dead_lettered';

/**
 * An optional sink for counters and gauges of the relay and consumers (the service kit maps
 * it to Prometheus). Calls are synchronous and must not throw.
 */
export interface EventMetrics {
  /** Sampled by the relay every `metricsIntervalMs`. */
  outboxBacklog(sample: OutboxBacklog): void;
  /** Events the relay published and marked sent. */
  eventsPublished(count: number): void;
  /** Rows the relay parked just now. */
  eventsParked(count: number): void;
  consumerOutcome(consumer: string, outcome: ConsumerOutcome): void;
}
