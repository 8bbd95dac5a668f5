import type { EventEnvelope } from './envelope.js';
import type { SqlClient } from './sql-client.js';

const snapshotName = /^[a-z][a-z0-9_.-]*$/;

/**
 * Compare-and-set for a consumer that keeps a snapshot of another service's aggregate (a gig's
 * seller fields, a search document, a notification's recipient): records that `snapshot` now
 * reflects `event.version` of `event`'s aggregate and returns true when that version is newer
 * than the one recorded, false when the snapshot already reflects the same or a later version
 * (an older event arriving late: skip it). Call it first in the handler, in the handler's
 * transaction, and apply the event only on true; the row stays locked until that transaction
 * ends, so concurrent events of one aggregate are decided one after the other.
 *
 * Unversioned events (version 0, from before versions existed) apply until the first
 * versioned one has been applied, and never after.
 */
export async function applyIfNewer(
  tx: SqlClient,
  snapshot: string,
  event: Pick<EventEnvelope, 'aggregateType' | 'aggregateId' | 'version'>,
): Promise<boolean> {
  if (!snapshotName.test(snapshot)) {
    throw new Error(`snapshot name "${snapshot}" must be lower case (e.g. "gigs.seller-fields")`);
  }
  const changed = await tx.$executeRawUnsafe(
    `INSERT INTO event_snapshot_versions AS s (snapshot, aggregate_type, aggregate_id, version)
     VALUES ($1::text, $2::text, $3::uuid, $4::int)
     ON CONFLICT (snapshot, aggregate_type, aggregate_id)
     DO UPDATE SET version = EXCLUDED.version, updated_at = CURRENT_TIMESTAMP
     WHERE s.version < EXCLUDED.version OR (EXCLUDED.version = 0 AND s.version = 0)`,
    snapshot,
    event.aggregateType,
    event.aggregateId,
    event.version,
  );
  return changed > 0;
}
