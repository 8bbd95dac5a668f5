import type { EventData } from './contracts.js';
import type { EventEnvelope } from './envelope.js';
import { applyIfNewer } from './snapshot-versions.js';
import type { SqlClient } from './sql-client.js';

/** A gig as `gigs.gig.published` and `gigs.gig.updated` carry it (each carries the whole gig). */
export type PublishedGig = EventData<'gigs.gig.published'>;
/** A deleted gig as `gigs.gig.deleted` carries it. */
export type DeletedGig = EventData<'gigs.gig.deleted'>;

/** How a subgraph writes its own copy of gigs, in the consumer's transaction. */
export interface GigCopy<Tx> {
  put(gig: PublishedGig, tx: Tx): Promise<void>;
  remove(gig: DeletedGig, tx: Tx): Promise<void>;
}

type GigEvents = 'gigs.gig.published' | 'gigs.gig.updated' | 'gigs.gig.deleted';

/**
 * The handlers of a consumer that keeps a local copy of gigs (chat's for offers, orders' for
 * prices): published and updated put the gig, deleted removes it, each only when the event is
 * newer than what the copy holds (`snapshot`'s versions), so a late or redelivered event never
 * brings an older gig back.
 */
export function gigCopyHandlers<Tx extends SqlClient>(
  snapshot: string,
  copy: GigCopy<Tx>,
): { [T in GigEvents]: (event: EventEnvelope<T>, tx: Tx) => Promise<void> } {
  const put = async (event: EventEnvelope<'gigs.gig.published' | 'gigs.gig.updated'>, tx: Tx) => {
    if (await applyIfNewer(tx, snapshot, event)) await copy.put(event.data, tx);
  };
  return {
    'gigs.gig.published': put,
    'gigs.gig.updated': put,
    'gigs.gig.deleted': async (event, tx) => {
      if (await applyIfNewer(tx, snapshot, event)) await copy.remove(event.data, tx);
    },
  };
}
