/** Statements of the event machinery, which runs on its own clock (relay polls, inbox writes). */
const eventPlumbing = /\b(outbox_events|inbox_events)\b|^\s*(BEGIN|COMMIT|ROLLBACK)\b/i;

/**
 * Counts the SQL statements a service runs for requests: pass `onQuery` to the service's
 * options, `reset()` before the request, read `count` after. The outbox relay's and consumers'
 * statements are left out, so the count is what the request cost.
 */
export function statementCounter() {
  const statements: string[] = [];
  return {
    statements,
    onQuery: (sql: string) => {
      if (!eventPlumbing.test(sql)) statements.push(sql);
    },
    reset: () => {
      statements.length = 0;
    },
    get count() {
      return statements.length;
    },
  };
}
export type StatementCounter = ReturnType<typeof statementCounter>;
