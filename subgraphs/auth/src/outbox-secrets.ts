import type { EventType } from '@jobber/events';

/**
 * Events whose data carries a secret (a sign-in code, a reset or sign-up confirmation token). Once the
 * relay has delivered one, its outbox row is deleted within about a minute instead of staying
 * for the relay's 7-day retention: the database keeps only hashes of live secrets.
 */
export const SECRET_EVENT_TYPES = [
  'auth.sign_in.code_requested',
  'auth.password.reset_requested',
  'auth.sign_up.confirmation_requested',
] as const satisfies readonly EventType[];

export const SECRET_OUTBOX_PRUNING = {
  /** How long a delivered secret-bearing row stays (time to look at it when debugging). */
  keepSentMs: 60_000,
  /** How often the subgraph deletes them. */
  everyMs: 10_000,
} as const;
