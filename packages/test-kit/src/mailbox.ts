import pg from 'pg';
import { eventually } from './poll.js';

/** The outbox event auth writes for a sign-up confirmation (the email's content). */
const CONFIRMATION_EVENT = 'auth.sign_up.confirmation_requested';

/**
 * The emails a test or bench needs to read, where auth puts them until the notifications
 * subgraph sends them: auth's outbox. Reads auth's database only (it imports no subgraph code);
 * `startTestSupergraph` attaches one to its client, others make one on the auth database's URL
 * and `close()` it before dropping that database.
 */
export class Mailbox {
  private readonly pool: pg.Pool;

  constructor(authDatabaseUrl: string) {
    this.pool = new pg.Pool({
      connectionString: authDatabaseUrl,
      max: 2,
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

  async close(): Promise<void> {
    await this.pool.end();
  }
}
