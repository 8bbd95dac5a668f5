import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@jobber/test-kit';
import { UsersStore, createPrisma, type UsersPrisma } from '../src/store.js';

/**
 * The kit's SubgraphStore, on this subgraph's real Prisma client: a transaction that enqueued
 * events wakes the relay once, after its commit; nothing else does.
 */
let database: TestDatabase;
let prisma: UsersPrisma;
let store: UsersStore;
/** What another connection saw in the outbox at each nudge (only committed rows are visible). */
let seenAtNudge: Promise<number>[] = [];

const outboxRows = async () => {
  const [row] = await prisma.$queryRawUnsafe<{ count: bigint }[]>(
    'SELECT count(*) AS count FROM outbox_events',
  );
  return Number(row?.count);
};

const seller = () => ({
  userId: randomUUID(),
  username: `u${randomUUID().slice(0, 8)}`,
  fullName: 'Ada Lovelace',
  oneliner: 'I write programs',
  skills: ['TypeScript'],
  languages: [{ language: 'English', level: 'NATIVE' }],
  country: 'GB',
});

beforeAll(async () => {
  database = await createTestDatabase('users');
  prisma = createPrisma({ url: database.url, poolSize: 4 });
  const relay = { nudge: () => void seenAtNudge.push(outboxRows()) };
  store = new UsersStore({ prisma, name: 'users', relay });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

beforeEach(async () => {
  await Promise.all(seenAtNudge);
  seenAtNudge = [];
  await prisma.$executeRawUnsafe('DELETE FROM outbox_events');
});

describe('store transactions', () => {
  it('nudge the relay once, after the commit, when they enqueued events', async () => {
    await store.transaction(async (tx) => {
      await tx.enqueue('users.seller.created', seller());
      await tx.enqueue('users.seller.updated', seller());
    });
    expect(await Promise.all(seenAtNudge)).toEqual([2]);
    const [row] = await prisma.$queryRawUnsafe<{ producer: string }[]>(
      `SELECT payload->>'producer' AS producer FROM outbox_events LIMIT 1`,
    );
    expect(row?.producer).toBe('users');
  });

  it('do not nudge without events, nor when they roll back', async () => {
    await store.transaction((tx) => tx.buyersByIds([randomUUID()]));
    const failed = store.transaction(async (tx) => {
      await tx.enqueue('users.seller.created', seller());
      throw new Error('rolled back');
    });
    await expect(failed).rejects.toThrow('rolled back');
    expect(seenAtNudge).toHaveLength(0);
    expect(await outboxRows()).toBe(0);
  });

  it('join the open transaction when nested, and nudge once at its end', async () => {
    const failed = store.transaction(async (outer) => {
      await outer.transaction((inner) => inner.enqueue('users.seller.created', seller()));
      expect(seenAtNudge).toHaveLength(0);
      throw new Error('rolled back');
    });
    await expect(failed).rejects.toThrow('rolled back');
    expect(await outboxRows()).toBe(0);
    await store.transaction(async (outer) => {
      await outer.transaction((inner) => inner.enqueue('users.seller.created', seller()));
      await outer.enqueue('users.seller.updated', seller());
    });
    expect(await Promise.all(seenAtNudge)).toEqual([2]);
  });

  it('nudge after a consumer transaction whose handler enqueued through within(tx)', async () => {
    await store.consumerDb.$transaction((tx) =>
      store.within(tx).enqueue('users.seller.updated', seller()),
    );
    await store.consumerDb.$transaction(
      async (tx) => void (await store.within(tx).buyersByIds([])),
    );
    expect(await Promise.all(seenAtNudge)).toEqual([1]);
  });

  it('nudge at once for an event enqueued outside a transaction', async () => {
    await store.enqueue('users.seller.updated', seller());
    expect(await Promise.all(seenAtNudge)).toEqual([1]);
  });
});
