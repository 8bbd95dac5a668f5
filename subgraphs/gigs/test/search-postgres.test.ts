import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@jobber/test-kit';
import { PostgresSearchIndex } from '../src/search/postgres-index.js';
import { createPrisma } from '../src/store.js';
import { gigDocument, searchSuite } from './search-suite.js';

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

// What only the PostgreSQL index has: similarGigs compares titles and tags kept in a table of
// their own beside the narrow search table, written with the document or not at all.
describe('PostgreSQL similar gigs', () => {
  let database: TestDatabase;
  let prisma: ReturnType<typeof createPrisma>;
  let index: PostgresSearchIndex;
  beforeAll(async () => {
    database = await createTestDatabase('gigs');
    prisma = createPrisma({ url: database.url, poolSize: 2 });
    index = new PostgresSearchIndex(prisma);
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.drop();
  });
  const ids = (hits: { gigId: string }[]) => hits.map((hit) => hit.gigId);

  it('compares by the newest version’s tags and forgets a removed gig', async () => {
    const gig = gigDocument({
      category: 'music-audio',
      subCategory: 'mixing-mastering',
      tags: ['theremin'],
      version: 3,
    });
    const twin = gigDocument({
      category: 'programming-tech',
      subCategory: 'web-development',
      tags: ['theremin'],
    });
    await index.upsert([gig, twin]);
    // An older version's tags never replace the newer ones'.
    await index.upsert([{ ...gig, tags: ['kazoo'], version: 2 }]);
    expect(ids(await index.similar(gig.gigId, 10))).toEqual([twin.gigId]);
    await index.upsert([{ ...gig, tags: ['kazoo'], version: 4 }]);
    expect(await index.similar(gig.gigId, 10)).toEqual([]);
    await index.remove(gig.gigId, 4);
    const [{ n }] = await prisma.$queryRawUnsafe<[{ n: number }]>(
      'SELECT count(*)::int AS n FROM gig_similarity_features WHERE gig_id = $1::uuid',
      gig.gigId,
    );
    expect(n).toBe(0);
  });
});
