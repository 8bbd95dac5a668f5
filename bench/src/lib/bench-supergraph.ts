import { parseAuthConfig, startAuthService } from '@jobber/auth';
import {
  startTestSupergraph,
  statementCounter,
  type StatementCounter,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';

export interface BenchSupergraph {
  supergraph: TestSupergraph;
  /** SQL statements each subgraph ran for requests (event plumbing left out). */
  statements: { auth: StatementCounter; users: StatementCounter };
}

/**
 * Starts auth and users behind a gateway (in this process, on 127.0.0.1, each on a database of
 * its own and all on an exchange of their own), runs the benchmark, and always stops it all and
 * removes the databases, exchange and queues, also on Ctrl-C.
 */
export async function withBenchSupergraph<T>(
  run: (bench: BenchSupergraph) => Promise<T>,
): Promise<T> {
  const statements = { auth: statementCounter(), users: statementCounter() };
  const supergraph = await startTestSupergraph({
    auth: (env) => startAuthService(parseAuthConfig(env), { onQuery: statements.auth.onQuery }),
    users: (env) => startUsersService(parseUsersConfig(env), { onQuery: statements.users.onQuery }),
  });
  const onSignal = () => {
    console.error('\ninterrupted: stopping the supergraph and removing what it created');
    void supergraph.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await run({ supergraph, statements });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await supergraph.stop();
  }
}
