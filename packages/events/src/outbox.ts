import type { EventData, EventType } from './contracts.js';
import { createEnvelope, type EventEnvelope } from './envelope.js';
import type { SqlClient } from './sql-client.js';

/**
 * Validates the event against its contract and stores it in `outbox_events` using the caller's
 * transaction client, so it is published if and only if the state change commits. Call
 * `relay.nudge()` after the commit for low latency.
 */
export async function enqueueEvent<T extends EventType>(
  tx: SqlClient,
  producer: string,
  type: T,
  data: EventData<T>,
): Promise<EventEnvelope<T>> {
  const envelope = createEnvelope(producer, type, data);
  await tx.$executeRawUnsafe(
    'INSERT INTO outbox_events (id, type, payload) VALUES ($1::uuid, $2::text, $3::jsonb)',
    envelope.id,
    envelope.type,
    JSON.stringify(envelope),
  );
  return envelope;
}
