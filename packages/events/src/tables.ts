/**
 * The two tables every subgraph that publishes or consumes events declares (in its Prisma
 * schema, exactly like this). Exported for tests that create them by hand.
 */
export const eventTablesSql = `
CREATE TABLE outbox_events (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE,
  type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  sent_at timestamptz(3),
  attempts integer NOT NULL DEFAULT 0,
  last_error text
);
CREATE INDEX outbox_events_sent_at_seq_idx ON outbox_events (sent_at, seq);
CREATE TABLE inbox_events (
  consumer text NOT NULL,
  event_id uuid NOT NULL,
  type text NOT NULL,
  processed_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
`;
