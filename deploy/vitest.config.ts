import { defineConfig } from 'vitest/config';

// Not ../vitest.shared.ts: these tests need no database or broker, so no global set-up (it
// would start or migrate PostgreSQL). The workspaces' TypeScript sources, as everywhere.
const conditions = ['@jobber/source', 'node'];

export default defineConfig({
  resolve: { conditions, mainFields: [] },
  ssr: { resolve: { conditions, mainFields: [] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
