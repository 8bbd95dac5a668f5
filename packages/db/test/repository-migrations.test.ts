import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { captureIo, schemaEngineReadsTestServer } from './support.js';

// The CI drift check for the real subgraphs: every prisma/<subgraph>/schema.prisma must match
// its migrations (create one with `npm run db:migration -- <subgraph> <name>`).
describe.skipIf(!(await schemaEngineReadsTestServer()))('the repository', () => {
  it('has a migration for every change to a subgraph Prisma schema', async () => {
    const run = captureIo();
    const code = await main(['migrate', 'check'], run.io);
    expect(code, [...run.out, ...run.err].join('\n')).toBe(0);
  }, 60_000);
});
