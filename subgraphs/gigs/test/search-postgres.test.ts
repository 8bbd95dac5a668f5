import { createTestDatabase } from '@jobber/test-kit';
import { PostgresSearchIndex } from '../src/search/postgres-index.js';
import { createPrisma } from '../src/store.js';
import { searchSuite } from './search-suite.js';

// The shared search suite on PostgreSQL, on a migrated database of this file's own.
searchSuite('postgres', async () => {
  const database = await createTestDatabase('gigs');
  const prisma = createPrisma({ url: database.url, poolSize: 4 });
  return {
    index: new PostgresSearchIndex(prisma),
    discard: async () => {
      await prisma.$disconnect();
      await database.drop();
    },
  };
});
