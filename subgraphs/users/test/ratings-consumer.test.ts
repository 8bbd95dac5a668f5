// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnvelope, type EventEnvelope } from '@jobber/events';
import { eventually } from '@jobber/test-kit';
import { UsersKit, type TestAccount } from './users-kit.js';

describe('users.ratings: reviews.review.created → the seller’s rating aggregate, once', () => {
  let kit: UsersKit;
  let seller: TestAccount;
  let buyer: TestAccount;

  beforeAll(async () => {
    kit = await UsersKit.start();
    [seller, buyer] = (await kit.register(2)) as [TestAccount, TestAccount];
    await kit.becomeSeller(seller);
    await kit.becomeSeller(buyer); // has a seller profile too: a review of them as buyer must not count
  });
  afterAll(async () => {
    await kit?.stop();
  });

  const review = (
    rating: number,
    kind: 'BUYER_TO_SELLER' | 'SELLER_TO_BUYER' = 'BUYER_TO_SELLER',
    reviewId: string = randomUUID(),
  ): EventEnvelope<'reviews.review.created'> =>
    createEnvelope(
      'reviews',
      'reviews.review.created',
      {
        reviewId,
        orderId: randomUUID(),
        gigId: randomUUID(),
        sellerId: seller.id,
        buyerId: buyer.id,
        kind,
        reviewerId: kind === 'BUYER_TO_SELLER' ? buyer.id : seller.id,
        revieweeId: kind === 'BUYER_TO_SELLER' ? seller.id : buyer.id,
        rating,
        comment: 'Great work',
        createdAt: new Date().toISOString(),
      },
      new Date(),
      1,
    );

  interface Stats {
    ratingsCount: number;
    ratingAverage: number | null;
    ratingCounts: { one: number; two: number; three: number; four: number; five: number };
  }
  const stats = async (username: string) =>
    (
      await kit.client.data<{ seller: { stats: Stats } | null }>(
        `query ($username: String!) { seller(username: $username) {
          stats { ratingsCount ratingAverage ratingCounts { one two three four five } } } }`,
        { username },
      )
    ).seller?.stats;

  it('counts every buyer’s review once, delivered twice, and ignores reviews of buyers', async () => {
    const events = [review(5), review(4), review(4), review(1), review(2, 'SELLER_TO_BUYER')];
    const first = events[0] as EventEnvelope<'reviews.review.created'>;
    // Every envelope twice (redeliveries), plus a new envelope of the first review (a producer retry).
    const again = review(5, 'BUYER_TO_SELLER', first.data.reviewId);
    await kit.publisher.publish([...events, ...events, again]);
    const handled = [...events, again].map((event) => event.id);
    await eventually(
      async () => {
        const { rows } = await kit.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM inbox_events
           WHERE consumer = 'users.ratings' AND event_id = ANY($1::uuid[])`,
          [handled],
        );
        return rows[0]?.n === handled.length ? true : null;
      },
      { what: 'every rating event handled', timeoutMs: 30_000 },
    );
    expect(await stats(seller.username)).toEqual({
      ratingsCount: 4,
      ratingAverage: 3.5,
      ratingCounts: { one: 1, two: 0, three: 0, four: 2, five: 1 },
    });
    expect(await stats(buyer.username)).toMatchObject({ ratingsCount: 0, ratingAverage: null });
  });

  it('counts 30 reviews published at once (increments, no lost update)', async () => {
    const before = (await stats(seller.username))?.ratingsCount ?? 0;
    await kit.publisher.publish(Array.from({ length: 30 }, () => review(3)));
    await eventually(
      async () => (await stats(seller.username))?.ratingsCount === before + 30 || null,
      { what: '30 more ratings', timeoutMs: 30_000 },
    );
    const { rows } = await kit.db.query<{ sum: number; stars: number }>(
      `SELECT rating_sum AS sum, one_star_count + two_star_count + three_star_count
         + four_star_count + five_star_count AS stars FROM sellers WHERE user_id = $1`,
      [seller.id],
    );
    expect(rows[0]).toEqual({ sum: 14 + 90, stars: before + 30 });
  });
});
