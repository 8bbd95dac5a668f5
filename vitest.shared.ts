import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/** Shared by every workspace's vitest.config.ts: tests run against the TypeScript sources of
 * sibling workspaces (the "@jobber/source" export condition), so no build is needed first. */
export default defineConfig({
  resolve: { conditions: ['@jobber/source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['@jobber/source', ...defaultServerConditions] } },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
