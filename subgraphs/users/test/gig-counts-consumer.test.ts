// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope } from '@jobber/events';
import { eventually } from '@jobber/test-kit';
import { UsersKit, type TestAccount } from './users-kit.js';

describe('users.gig-counts: gigs.gig.* → the seller’s active gig count', () => {
  let kit: UsersKit;
  let seller: TestAccount;

  beforeAll(async () => {
    kit = await UsersKit.start();
    seller = await kit.registerOne();
    await kit.becomeSeller(seller);
  });
  afterAll(async () => {
    await kit?.stop();
  });

  const snapshot = (gigId: string, active: boolean) => ({
    gigId,
    sellerId: seller.id,
    title: 'I will design a minimalist logo',
    category: 'graphics-design',
    subCategory: 'logo-design',
    tags: ['logo'],
    priceCents: 5_000,
    currency: 'USD',
    deliveryDays: 3,
    coverImageUrl: null,
    active,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  });

  const gigCount = async () => {
    const data = await kit.client.data<{ seller: { stats: { gigCount: number } } | null }>(
      'query ($username: String!) { seller(username: $username) { stats { gigCount } } }',
      { username: seller.username },
    );
    return data.seller?.stats.gigCount;
  };
  const countIs = (expected: number, what: string) =>
    eventually(async () => (await gigCount()) === expected, { what, timeoutMs: 30_000 });

  it('counts published gigs, not paused or deleted ones, and ignores a late older event', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const now = new Date();
    await kit.publisher.publish([
      createEnvelope('gigs', 'gigs.gig.published', snapshot(a, true), now, 1),
      createEnvelope('gigs', 'gigs.gig.published', snapshot(b, true), now, 1),
    ]);
    await countIs(2, 'two active gigs');

    await kit.publisher.publish([
      createEnvelope('gigs', 'gigs.gig.updated', snapshot(a, false), now, 2),
    ]);
    await countIs(1, 'one paused');

    // Version 1 of `a` again (a redelivery from before the pause): changes nothing; then `b` goes.
    await kit.publisher.publish([
      createEnvelope('gigs', 'gigs.gig.published', snapshot(a, true), now, 1),
      createEnvelope(
        'gigs',
        'gigs.gig.deleted',
        { gigId: b, sellerId: seller.id, deletedAt: now.toISOString() },
        now,
        2,
      ),
    ]);
    await countIs(0, 'paused and deleted');
    expect(await gigCount()).toBe(0);
  });

  it('counts every gig of 40 published at once (each recount sees the others)', async () => {
    const now = new Date();
    await kit.publisher.publish(
      Array.from({ length: 40 }, () =>
        createEnvelope('gigs', 'gigs.gig.published', snapshot(randomUUID(), true), now, 1),
      ),
    );
    await eventually(
      async () => {
        const { rows } = await kit.db.query<{ handled: number }>(
          `SELECT count(*)::int AS handled FROM seller_gigs WHERE seller_id = $1`,
          [seller.id],
        );
        return rows[0]?.handled === 41 ? true : null;
      },
      { what: '40 more gig rows (the paused one stays)', timeoutMs: 30_000 },
    );
    expect(await gigCount()).toBe(40);
  });
});
