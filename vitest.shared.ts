import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { brokerGate } from './packages/test-kit/src/broker-gate.js';

// Not Vite's default "module" condition: see mainFields below.
const conditions = ['@jobber/source', 'node'];

/** Shared by every workspace's vitest.config.ts: tests run against the TypeScript sources of
 * sibling workspaces (the "@jobber/source" export condition), so no build is needed first.
 * A fresh machine runs them too: without a reachable PostgreSQL the global set-up starts an
 * embedded one; without a reachable RabbitMQ the tests tagged `broker` are skipped (and counted),
 * unless JOBBER_REQUIRE_BROKER=1 (CI) makes that a failure. */
export default defineConfig(async () => {
  const broker = await brokerGate();
  return {
    resolve: {
      conditions,
      // Resolve packages as Node does ("exports", then "main"), never by the bundler-only "module"
      // field or condition: graphql@16's index.mjs next to Apollo's CommonJS graphql would be two realms, and
      // some "module" builds (OpenTelemetry's) are not loadable by Node at all.
      mainFields: [],
      // graphql@16 has no "exports"; Vite still picks its index.mjs unless told.
      alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
    },
    ssr: { resolve: { conditions, mainFields: [] } },
    // Where vitest runs the global set-up (it imports @jobber/db).
    environments: { __vitest__: { resolve: { conditions, mainFields: [] } } },
    test: {
      include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      pool: 'forks',
      // Said explicitly: an unset NODE_ENV means production to every service.
      env: { NODE_ENV: 'test' },
      globalSetup: [
        fileURLToPath(new URL('./packages/test-kit/src/global-setup.ts', import.meta.url)),
      ],
      tags: [broker.tag],
      reporters: ['default', ...broker.reporters],
    },
  };
});
