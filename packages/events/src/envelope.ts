import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { eventContracts, isEventType, type EventData, type EventType } from './contracts.js';

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
  data: z.unknown(),
});

/** Validates `data` against the type's contract and wraps it in a fresh envelope. Throws EnvelopeError. */
export function createEnvelope<T extends EventType>(
  producer: string,
  type: T,
  data: EventData<T>,
  now: Date = new Date(),
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
  return {
    id: randomUUID(),
    type,
    occurredAt: now.toISOString(),
    producer,
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
  return { ...shape.data, type, data: data.data } as EventEnvelope;
}
