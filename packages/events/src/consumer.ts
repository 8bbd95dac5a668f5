import type { EventType } from './contracts.js';
import { EnvelopeError, parseEnvelope, type EventEnvelope } from './envelope.js';
import { errorMessage, type EventLogger } from './logger.js';
import type { SqlClient, TransactionalSqlClient } from './sql-client.js';
import {
  defaultPrefetch,
  type DeliveryMeta,
  type DeliveryOutcome,
  type EventTransport,
  type Subscription,
} from './transport.js';

/** One handler per event type; it runs inside the transaction that records the inbox row. */
export type EventHandlers<Tx> = {
  [T in EventType]?: (event: EventEnvelope<T>, tx: Tx) => Promise<void>;
};

export interface EventConsumerOptions<Tx extends SqlClient> {
  /** `<subgraph>.<purpose>`: the queue name (before the transport's prefix) and the inbox key. */
  name: string;
  db: TransactionalSqlClient<Tx>;
  transport: EventTransport;
  logger: EventLogger;
  handlers: EventHandlers<Tx>;
  /** Delays before each retry of a failing handler. Default [1000, 10000, 60000]. */
  retryDelaysMs?: number[];
  /** Messages handled concurrently. Default 10. */
  prefetch?: number;
}

const consumerName = /^[a-z][a-z0-9_-]*\.[a-z][a-z0-9_.-]*$/;

/**
 * Runs handlers exactly once per event id: each delivery inserts `(consumer, event id)` into
 * `inbox_events` and runs the handler in the same transaction; a duplicate finds the row and is
 * acknowledged without running the handler. Failures go to the transport's retry path and,
 * when the delays are used up, to the dead-letter queue.
 */
export class EventConsumer<Tx extends SqlClient = SqlClient> {
  readonly name: string;
  private readonly db: TransactionalSqlClient<Tx>;
  private readonly transport: EventTransport;
  private readonly logger: EventLogger;
  private readonly handlers: EventHandlers<Tx>;
  private readonly retryDelaysMs: number[];
  private readonly prefetch: number;
  private subscription: Subscription | null = null;

  constructor(options: EventConsumerOptions<Tx>) {
    if (!consumerName.test(options.name)) {
      throw new Error(`consumer name "${options.name}" must look like "<subgraph>.<purpose>"`);
    }
    this.name = options.name;
    this.db = options.db;
    this.transport = options.transport;
    this.logger = options.logger;
    this.handlers = options.handlers;
    this.retryDelaysMs = options.retryDelaysMs ?? [1000, 10_000, 60_000];
    this.prefetch = options.prefetch ?? defaultPrefetch;
  }

  /** Declares the queue (bound to every type with a handler) and starts consuming. */
  async start(): Promise<void> {
    if (this.subscription) return;
    const types = (Object.keys(this.handlers) as EventType[]).filter(
      (type) => this.handlers[type] !== undefined,
    );
    this.subscription = await this.transport.consume(
      { queue: this.name, types, retryDelaysMs: this.retryDelaysMs, prefetch: this.prefetch },
      (raw, meta) => this.handle(raw, meta),
    );
  }

  /** Stops consuming and waits for the handlers in flight. */
  async stop(): Promise<void> {
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.close();
  }

  private async handle(raw: unknown, meta: DeliveryMeta): Promise<DeliveryOutcome> {
    const event = parseEnvelope(raw);
    if (event instanceof EnvelopeError) {
      this.logger.error(
        {
          consumer: this.name,
          reason: event.reason,
          eventType: event.eventType,
          err: event.message,
        },
        'event consumer: invalid message, dead-lettered',
      );
      return 'dead';
    }
    const handler = this.handlers[event.type] as
      ((event: EventEnvelope, tx: Tx) => Promise<void>) | undefined;
    if (!handler) {
      this.logger.warn(
        { consumer: this.name, eventType: event.type, eventId: event.id },
        'event consumer: no handler for this type, acknowledged',
      );
      return 'ack';
    }
    try {
      const applied = await this.db.$transaction(async (tx) => {
        const inserted = await tx.$executeRawUnsafe(
          `INSERT INTO inbox_events (consumer, event_id, type) VALUES ($1::text, $2::uuid, $3::text)
           ON CONFLICT DO NOTHING`,
          this.name,
          event.id,
          event.type,
        );
        if (inserted === 0) return false;
        await handler(event, tx);
        return true;
      });
      this.logger.debug(
        { consumer: this.name, eventType: event.type, eventId: event.id, duplicate: !applied },
        applied ? 'event consumer: handled' : 'event consumer: duplicate skipped',
      );
      return 'ack';
    } catch (err) {
      this.logger.warn(
        {
          consumer: this.name,
          eventType: event.type,
          eventId: event.id,
          attempt: meta.attempt,
          err: errorMessage(err),
        },
        'event consumer: handler failed',
      );
      return 'retry';
    }
  }
}
