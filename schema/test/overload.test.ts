// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import {
  SIGN_UP_MUTATION,
  eventually,
  memberSignUpInput,
  signUpMember,
  startTestSupergraph,
  type TestSupergraph,
} from '@jobber/test-kit';

// Overload answers clearly: auth gets a pool of one connection; a first sign-up holds it
// (blocked on a lock the test takes), so a second cannot get a connection in time. That one
// must be a retryable UNAVAILABLE naming the subgraph, not an internal error, and must work
// when retried once the pool is free.
let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph({
    auth: (env) =>
      startAuthService(
        parseAuthConfig({ ...env, DATABASE_POOL_SIZE: '1', DATABASE_POOL_TIMEOUT_MS: '300' }),
      ),
  });
});
afterAll(() => supergraph?.stop());

describe('a request that cannot get a database connection', () => {
  it('gets a retryable UNAVAILABLE from the subgraph, named, and succeeds on retry', async () => {
    const database = supergraph.databases.auth;
    if (!database) throw new Error('auth has no database');
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
      const first = signUpMember(supergraph.client);
      // Auth's only connection is now waiting on the lock.
      await eventually(
        async () =>
          (
            await locker.query(
              `SELECT 1 FROM pg_stat_activity
               WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
            )
          ).rowCount,
        { what: "auth's connection to wait on the lock" },
      );

      const second = await supergraph.client.request(SIGN_UP_MUTATION, {
        input: memberSignUpInput('second_member'),
      });
      expect(second.data).toBeNull();
      expect(second.errors).toHaveLength(1);
      expect(second.errors[0]).toMatchObject({
        message: expect.stringMatching(/try again/),
        extensions: { code: 'UNAVAILABLE', retryable: true, subgraph: 'auth' },
      });
      expect(JSON.stringify(second.errors)).not.toMatch(/P20|prisma|timeout exceeded|stack/i);

      await locker.query('COMMIT');
      await expect(first).resolves.toMatchObject({ id: expect.any(String) });
      // Retryable means it: the same sign-up goes through now (retried while the single
      // connection is busy with the outbox relay on a slow machine).
      const retried = await eventually(
        () => signUpMember(supergraph.client, { username: 'second_member' }).catch(() => null),
        { what: 'the retried sign-up' },
      );
      expect(retried.email).toBe('second_member@example.com');
    } finally {
      await locker.end();
    }

    const metrics = await (await fetch(`${supergraph.subgraphs.auth?.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/graphql_errors_total{code="UNAVAILABLE"[^}]*} [1-9]/);
  });
});
