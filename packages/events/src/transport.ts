import type { EventType } from './contracts.js';
import type { EventEnvelope } from './envelope.js';
import type { DeliveryMode } from './topology.js';
import type { PublishResult } from './publish-result.js';

/** What a consumer wants from the transport; `queue` is the consumer's name (unprefixed). */
export interface ConsumeSpec {
  queue: string;
  types: EventType[];
  /** Delay before each redelivery; after the last one a failing message is dead-lettered. */
  retryDelaysMs: number[];
  /** Messages handled concurrently (AMQP prefetch). */
  prefetch?: number;
  /**
   * `queue` (default) or `broadcast` (see DeliveryMode). A consumer in the transport's topology
   * list gets the list's mode; giving another one is an error.
   */
  delivery?: DeliveryMode;
}

/**
 * Outcome of handling one delivery: `ack` (done), `retry` (redeliver after the next retry
 * delay, or dead-letter when the delays are used up), `dead` (to the dead-letter queue now).
 */
export type DeliveryOutcome = 'ack' | 'retry' | 'dead';

/** `attempt` is 1 for the first delivery, 2 for the first retry, and so on. */
export interface DeliveryMeta {
  attempt: number;
}

export type MessageHandler = (raw: unknown, meta: DeliveryMeta) => Promise<DeliveryOutcome>;

export interface Subscription {
  /** Stops taking new messages and waits for the ones in flight. */
  close(): Promise<void>;
}

/** Moves envelopes from the relay to consumers. Implementations: AmqpTransport, InProcessTransport. */
export interface EventTransport {
  /**
   * Resolves once every envelope is either safely with the broker (confirmed) or listed in
   * `failed` (refused, too large); rejects when the batch as a whole could not be tried (no
   * connection, confirms timed out), in which case any of them may or may not have arrived.
   */
  publish(envelopes: EventEnvelope[]): Promise<PublishResult>;
  consume(spec: ConsumeSpec, onMessage: MessageHandler): Promise<Subscription>;
  /** Resolves when the transport can move events now (connecting if needed); for /readyz. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Default consumer prefetch. */
export const defaultPrefetch = 10;

/** Decides where a failed delivery goes next: the delay before the retry, or null = dead-letter. */
export function nextRetryDelay(retryDelaysMs: number[], attempt: number): number | null {
  return retryDelaysMs[attempt - 1] ?? null;
}
