import pg from 'pg';
import { eventually } from './poll.js';

/** The outbox event auth writes for a sign-up confirmation (the email's content). */
const CONFIRMATION_EVENT = 'auth.sign_up.confirmation_requested';
/** …and the one for a sign-up of an address that already has an account (no token). */
const EXISTING_EMAIL_EVENT = 'auth.sign_up.existing_email';

/** What a sign-up emailed: the confirmation token, or the "you already have an account" note. */
export type SignUpReply = { token: string } | { existingAccount: true };

/**
 * The emails a test or bench needs to read, where auth puts them until the notifications
 * subgraph sends them: auth's outbox. Reads auth's database only (it imports no subgraph code);
 * `startTestSupergraph` attaches one to its client, the seed and benches make one on the auth
 * database's URL; `close()` it before dropping that database.
 */
export class Mailbox {
  private readonly pool: pg.Pool;

  /** `connections`: the pool's size (2; the seed reads many mailboxes at once). */
  constructor(authDatabaseUrl: string, options: { connections?: number } = {}) {
    this.pool = new pg.Pool({
      connectionString: authDatabaseUrl,
      max: options.connections ?? 2,
      idleTimeoutMillis: 1_000,
    });
    // An idle connection ended by the server (a dropped database) must not crash the process.
    this.pool.on('error', () => {});
  }

  /**
   * The token of the newest sign-up confirmation sent to `email` (what `completeSignUp` takes).
   * `signUp` commits it before answering; the short wait covers a caller that did not await.
   * An address that already has an account gets no confirmation, so this times out for it.
   */
  async signUpToken(email: string, timeoutMs = 10_000): Promise<string> {
    return eventually(
      async () => {
        const { rows } = await this.pool.query<{ token: string }>(
          `SELECT payload->'data'->>'token' AS token FROM outbox_events
           WHERE type = $1 AND payload->'data'->>'email' = $2 ORDER BY seq DESC LIMIT 1`,
          [CONFIRMATION_EVENT, email.trim().toLowerCase()],
        );
        return rows[0]?.token;
      },
      { timeoutMs, intervalMs: 20, what: `a sign-up confirmation for ${email}` },
    );
  }

  /** Where the outbox ends now: pass it to `signUpReply` to see only later emails. */
  async cursor(): Promise<string> {
    const { rows } = await this.pool.query<{ seq: string }>(
      'SELECT COALESCE(MAX(seq), 0)::text AS seq FROM outbox_events',
    );
    return rows[0]?.seq ?? '0';
  }

  /**
   * The email a `signUp` for `email` caused after `cursor`: its confirmation token, or
   * `existingAccount` when the address already had an account (auth then mails the owner instead).
   */
  async signUpReply(email: string, cursor: string, timeoutMs = 10_000): Promise<SignUpReply> {
    return eventually(
      async () => {
        const { rows } = await this.pool.query<{ type: string; token: string | null }>(
          `SELECT type, payload->'data'->>'token' AS token FROM outbox_events
           WHERE type IN ($1, $2) AND payload->'data'->>'email' = $3 AND seq > $4::bigint
           ORDER BY seq DESC LIMIT 1`,
          [CONFIRMATION_EVENT, EXISTING_EMAIL_EVENT, email.trim().toLowerCase(), cursor],
        );
        const row = rows[0];
        if (!row) return undefined;
        return row.type === EXISTING_EMAIL_EVENT || row.token === null
          ? ({ existingAccount: true } as const)
          : { token: row.token };
      },
      { timeoutMs, intervalMs: 20, what: `the reply to the sign-up of ${email}` },
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
