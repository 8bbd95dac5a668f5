import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  aggregateOf,
  eventContracts,
  isEventType,
  type EventData,
  type EventType,
} from './contracts.js';

/**
 * What travels on the wire (and is stored in `outbox_events.payload`). For a union of types
 * it is a union of envelopes, so `switch (event.type)` narrows `event.data`.
 */
export type EventEnvelope<T extends EventType = EventType> = {
  [K in T]: {
    /** uuid v4, unique per event; the inbox deduplicates on it. */
    id: string;
    type: K;
    /** ISO 8601 time the producer created the event. */
    occurredAt: string;
    /** Name of the producing subgraph, e.g. "auth". */
    producer: string;
    /** What the event is about (`eventAggregates` in contracts.ts), e.g. "user". */
    aggregateType: string;
    /** The aggregate's id, copied from `data` (e.g. `data.userId`). */
    aggregateId: string;
    /**
     * 1, 2, 3 … per aggregate, allocated in the producer's transaction: a higher version is a
     * later state. 0 = unversioned (made outside an outbox, or from before versions existed).
     */
    version: number;
    data: EventData<K>;
  };
}[T];

export type EnvelopeErrorReason = 'malformed' | 'unknown_type' | 'invalid_data';

/** Why a value is not a valid envelope: not an envelope at all, an unknown type, or bad data. */
export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
  constructor(
    readonly reason: EnvelopeErrorReason,
    message: string,
    readonly eventType?: string,
  ) {
    super(message);
  }
}

const envelopeShape = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  producer: z.string().min(1),
  // Optional on the way in: envelopes written before versions existed lack them.
  aggregateType: z.string().min(1).optional(),
  aggregateId: z.string().min(1).optional(),
  version: z.number().int().min(0).optional(),
  data: z.unknown(),
});

const aggregateId = z.uuid();

/**
 * Validates `data` against the type's contract and wraps it in a fresh envelope, with the
 * aggregate its contract names. Throws EnvelopeError. `version` is for tests and tools:
 * `enqueueEvent` allocates the real one in the producer's transaction.
 */
export function createEnvelope<T extends EventType>(
  producer: string,
  type: T,
  data: EventData<T>,
  now: Date = new Date(),
  version = 0,
): EventEnvelope<T> {
  if (producer.length === 0) throw new EnvelopeError('malformed', 'producer must not be empty');
  if (!isEventType(type))
    throw new EnvelopeError('unknown_type', `unknown event type "${String(type)}"`);
  const parsed = eventContracts[type].safeParse(data);
  if (!parsed.success) {
    throw new EnvelopeError(
      'invalid_data',
      `invalid data for ${type}: ${z.prettifyError(parsed.error)}`,
      type,
    );
  }
  const aggregate = aggregateOf(type, parsed.data as EventData<T>);
  if (!aggregateId.safeParse(aggregate.id).success) {
    throw new EnvelopeError('invalid_data', `aggregate id of ${type} is not a uuid`, type);
  }
  if (!Number.isInteger(version) || version < 0) {
    throw new EnvelopeError('malformed', 'version must be an integer ≥ 0', type);
  }
  return {
    id: randomUUID(),
    type,
    occurredAt: now.toISOString(),
    producer,
    aggregateType: aggregate.type,
    aggregateId: aggregate.id,
    version,
    data: parsed.data,
  } as EventEnvelope<T>;
}

/** Checks an untrusted value (a parsed message body); returns the envelope or an EnvelopeError. */
export function parseEnvelope(value: unknown): EventEnvelope | EnvelopeError {
  const shape = envelopeShape.safeParse(value);
  if (!shape.success) {
    return new EnvelopeError('malformed', `not an event envelope: ${z.prettifyError(shape.error)}`);
  }
  const { type } = shape.data;
  if (!isEventType(type)) {
    return new EnvelopeError('unknown_type', `unknown event type "${type}"`, type);
  }
  const data = eventContracts[type].safeParse(shape.data.data);
  if (!data.success) {
    return new EnvelopeError(
      'invalid_data',
      `invalid data for ${type}: ${z.prettifyError(data.error)}`,
      type,
    );
  }
  const aggregate = aggregateOf(type, data.data as EventData<typeof type>);
  const { aggregateType = aggregate.type, aggregateId = aggregate.id, version = 0 } = shape.data;
  if (aggregateType !== aggregate.type || aggregateId !== aggregate.id) {
    return new EnvelopeError(
      'invalid_data',
      `aggregate ${aggregateType}/${aggregateId} does not match ${type}'s data (${aggregate.type}/${aggregate.id})`,
      type,
    );
  }
  return {
    id: shape.data.id,
    type,
    occurredAt: shape.data.occurredAt,
    producer: shape.data.producer,
    aggregateType,
    aggregateId,
    version,
    data: data.data,
  } as EventEnvelope;
}
