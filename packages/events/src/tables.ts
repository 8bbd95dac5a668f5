/**
 * The tables every subgraph that publishes or consumes events declares in its Prisma schema,
 * so that its migrations create exactly this (test/prisma-schemas.test.ts compares them):
 * - `outbox_events`: events waiting to be published (and sent ones, until pruned);
 * - `event_aggregate_versions`: the last version given to each aggregate this database produces;
 * - `inbox_events`: events a consumer has handled, for deduplication (pruned after a retention);
 * - `event_snapshot_versions`: the version of each aggregate a consumer's snapshot reflects
 *   (`applyIfNewer`). Exported for tests that create them by hand.
 */
export const eventTablesSql = `
CREATE TABLE outbox_events (
  id uuid NOT NULL,
  seq bigserial NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  sent_at timestamptz(3),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  next_attempt_at timestamptz(3),
  parked_at timestamptz(3),
  CONSTRAINT outbox_events_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX outbox_events_seq_key ON outbox_events (seq);
CREATE INDEX outbox_events_sent_at_seq_idx ON outbox_events (sent_at, seq);
CREATE TABLE event_aggregate_versions (
  aggregate_type text NOT NULL,
  aggregate_id uuid NOT NULL,
  version integer NOT NULL,
  CONSTRAINT event_aggregate_versions_pkey PRIMARY KEY (aggregate_type, aggregate_id)
);
CREATE TABLE inbox_events (
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  type text NOT NULL,
  processed_at timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT inbox_events_pkey PRIMARY KEY (consumer, event_id)
);
CREATE INDEX inbox_events_consumer_processed_at_idx ON inbox_events (consumer, processed_at);
CREATE TABLE event_snapshot_versions (
  snapshot text NOT NULL,
  aggregate_type text NOT NULL,
  aggregate_id uuid NOT NULL,
  version integer NOT NULL,
  updated_at timestamptz(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT event_snapshot_versions_pkey PRIMARY KEY (snapshot, aggregate_type, aggregate_id)
);
`;

/** The tables above, by name (the schema test checks each). */
export const eventTableNames = [
  'outbox_events',
  'event_aggregate_versions',
  'inbox_events',
  'event_snapshot_versions',
] as const;
