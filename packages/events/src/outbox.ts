import type { EventData, EventType } from './contracts.js';
import { createEnvelope, type EventEnvelope } from './envelope.js';
import type { SqlClient } from './sql-client.js';

/**
 * Allocates the aggregate's next version and stores the row, in one statement: the upsert on
 * `event_aggregate_versions` takes the aggregate's row lock until the caller's transaction ends,
 * so concurrent writers of one aggregate get 1, 2, 3 … in commit order.
 */
const enqueueSql = `
WITH next AS (
  INSERT INTO event_aggregate_versions AS v (aggregate_type, aggregate_id, version)
  VALUES ($3::text, $4::uuid, 1)
  ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE SET version = v.version + 1
  RETURNING v.version
)
INSERT INTO outbox_events (id, type, payload)
SELECT $1::uuid, $2::text, jsonb_set($5::jsonb, '{version}', to_jsonb(next.version)) FROM next
RETURNING (payload->>'version')::int AS version`;

/**
 * Validates the event against its contract and stores it in `outbox_events` using the caller's
 * transaction client, so it is published if and only if the state change commits. The
 * envelope carries the aggregate its contract names and that aggregate's next version,
 * allocated in the same transaction. Call `relay.nudge()` after the commit for low latency.
 */
export async function enqueueEvent<T extends EventType>(
  tx: SqlClient,
  producer: string,
  type: T,
  data: EventData<T>,
): Promise<EventEnvelope<T>> {
  const envelope = createEnvelope(producer, type, data);
  const rows = await tx.$queryRawUnsafe<{ version: number }[]>(
    enqueueSql,
    envelope.id,
    envelope.type,
    envelope.aggregateType,
    envelope.aggregateId,
    JSON.stringify(envelope),
  );
  const version = rows[0]?.version;
  if (version === undefined) throw new Error(`outbox insert of ${envelope.id} returned no row`);
  return { ...envelope, version };
}
