import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope, gigCopyHandlers, type PublishedGig } from '../src/index.js';
import type { PgSqlClient } from './pg-sql-client.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

const copySql = `CREATE TABLE gig_copies (gig_id uuid PRIMARY KEY, title text NOT NULL);`;

function gig(gigId: string, title: string): PublishedGig {
  const now = new Date().toISOString();
  return {
    gigId,
    sellerId: randomUUID(),
    title,
    category: 'graphics-design',
    subCategory: 'logo-design',
    tags: [],
    priceCents: 5_000,
    currency: 'USD',
    deliveryDays: 3,
    coverImageUrl: null,
    active: true,
    createdAt: now,
    updatedAt: now,
  };
}

describe('gigCopyHandlers', () => {
  let database: TestDatabase;
  const handlers = gigCopyHandlers<PgSqlClient>('test.gig-copies', {
    put: async (data, tx) => {
      await tx.$executeRawUnsafe(
        `INSERT INTO gig_copies (gig_id, title) VALUES ($1::uuid, $2)
         ON CONFLICT (gig_id) DO UPDATE SET title = EXCLUDED.title`,
        data.gigId,
        data.title,
      );
    },
    remove: async (data, tx) => {
      await tx.$executeRawUnsafe('DELETE FROM gig_copies WHERE gig_id = $1::uuid', data.gigId);
    },
  });
  const titleOf = async (gigId: string) => {
    const rows = await database.db.$queryRawUnsafe<{ title: string }[]>(
      'SELECT title FROM gig_copies WHERE gig_id = $1::uuid',
      gigId,
    );
    return rows[0]?.title ?? null;
  };

  beforeAll(async () => {
    database = await createTestDatabase(copySql);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('puts published and updated gigs, removes deleted ones, and never goes back a version', async () => {
    const id = randomUUID();
    const at = (version: number, title: string) =>
      createEnvelope('gigs', 'gigs.gig.updated', gig(id, title), new Date(), version);
    await handlers['gigs.gig.published'](
      createEnvelope('gigs', 'gigs.gig.published', gig(id, 'First'), new Date(), 1),
      database.db,
    );
    await handlers['gigs.gig.updated'](at(3, 'Third'), database.db);
    // Late and redelivered events change nothing.
    await handlers['gigs.gig.updated'](at(2, 'Second'), database.db);
    await handlers['gigs.gig.updated'](at(3, 'Third again'), database.db);
    expect(await titleOf(id)).toBe('Third');
    const deleted = (version: number) =>
      createEnvelope(
        'gigs',
        'gigs.gig.deleted',
        { gigId: id, sellerId: randomUUID(), deletedAt: new Date().toISOString() },
        new Date(),
        version,
      );
    await handlers['gigs.gig.deleted'](deleted(3), database.db);
    expect(await titleOf(id)).toBe('Third');
    await handlers['gigs.gig.deleted'](deleted(4), database.db);
    expect(await titleOf(id)).toBeNull();
    // An update older than the deletion does not bring the gig back.
    await handlers['gigs.gig.updated'](at(4, 'Ghost'), database.db);
    expect(await titleOf(id)).toBeNull();
  });
});
