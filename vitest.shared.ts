import { defineConfig } from 'vitest/config';

// Not Vite's default "module" condition: see mainFields below.
const conditions = ['@jobber/source', 'node'];

/** Shared by every workspace's vitest.config.ts: tests run against the TypeScript sources of
 * sibling workspaces (the "@jobber/source" export condition), so no build is needed first. */
export default defineConfig({
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
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Said explicitly: an unset NODE_ENV means production to every service.
    env: { NODE_ENV: 'test' },
  },
});
