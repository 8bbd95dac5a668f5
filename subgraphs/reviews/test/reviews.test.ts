// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@jobber/test-kit';
import {
  ADD_REVIEW,
  REPLY,
  ReviewsKit,
  codes,
  fields,
  orderCompleted,
  type ReviewJson,
  type TestAccount,
  type TestOrder,
} from './reviews-kit.js';

const REVIEW = `query ($id: ID!) { review(id: $id) { id rating reply { body } } }`;

interface PageJson {
  edges: { cursor: string; node: { id: string; rating: number; kind: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

describe('reviews: addReview and replyToReview through the gateway', () => {
  let kit: ReviewsKit;
  let stranger: TestAccount;

  beforeAll(async () => {
    kit = await ReviewsKit.start();
    stranger = await kit.account();
  });
  afterAll(async () => {
    await kit?.stop();
  });

  const add = (account: TestAccount, orderId: string, rating = 5, comment = 'Great work') =>
    account.client.request<{ addReview: ReviewJson }>(ADD_REVIEW, { orderId, rating, comment });

  it('lets the buyer review the seller and the seller the buyer, once each', async () => {
    const order = await kit.completedOrder();
    const { buyer, seller } = order;
    const byBuyer = await add(buyer, order.orderId, 4, '  Quick and friendly  ');
    expect(byBuyer.errors).toEqual([]);
    expect(byBuyer.data?.addReview).toMatchObject({
      kind: 'BUYER_TO_SELLER',
      rating: 4,
      comment: 'Quick and friendly',
      order: { id: order.orderId },
      gig: { id: order.gigId },
      reviewer: { id: buyer.id },
      reviewee: { id: seller.id },
      reply: null,
    });
    const bySeller = await add(seller, order.orderId, 5, '');
    expect(bySeller.data?.addReview).toMatchObject({
      kind: 'SELLER_TO_BUYER',
      rating: 5,
      comment: '',
      reviewer: { id: seller.id },
      reviewee: { id: buyer.id },
    });
    // Once per side: a second review conflicts, and nothing more is written.
    expect(codes(await add(buyer, order.orderId, 1))).toEqual(['CONFLICT']);
    expect(codes(await add(seller, order.orderId, 1))).toEqual(['CONFLICT']);
    const { rows } = await kit.db.query('SELECT rating FROM reviews WHERE order_id = $1', [
      order.orderId,
    ]);
    expect(rows.map((row: { rating: number }) => row.rating).sort()).toEqual([4, 5]);
    expect(
      await kit.client.data<{ review: { id: string; rating: number } }>(REVIEW, {
        id: byBuyer.data?.addReview.id,
      }),
    ).toEqual({ review: { id: byBuyer.data?.addReview.id, rating: 4, reply: null } });
  });

  it('refuses a review before completion (CONFLICT), by anyone else (FORBIDDEN) or anonymous', async () => {
    const [buyer, seller] = [await kit.account(), await kit.account()];
    const pending = randomUUID(); // orders has not announced it completed (or it does not exist)
    expect(codes(await add(buyer, pending))).toEqual(['CONFLICT']);
    expect(codes(await add(seller, pending))).toEqual(['CONFLICT']);
    const order = await kit.completedOrder({ buyer, seller });
    expect(codes(await add(stranger, order.orderId))).toEqual(['FORBIDDEN']);
    expect(
      codes(
        await kit.client.request(ADD_REVIEW, { orderId: order.orderId, rating: 5, comment: '' }),
      ),
    ).toEqual(['UNAUTHENTICATED']);
    // Once completed, the same buyer's review goes through.
    expect((await add(buyer, order.orderId)).errors).toEqual([]);
    const { rows } = await kit.db.query('SELECT 1 FROM reviews WHERE order_id = $1', [pending]);
    expect(rows).toEqual([]);
  });

  it('checks the rating (1–5, whole) and the comment (≤ 2,000 characters)', async () => {
    const order = await kit.completedOrder();
    const bad = [
      await add(order.buyer, order.orderId, 0),
      await add(order.buyer, order.orderId, 6),
      await add(order.buyer, order.orderId, -1),
      await add(order.buyer, order.orderId, 5, 'x'.repeat(2_001)),
      await add(order.buyer, 'not-an-id', 5),
    ];
    expect(bad.map(codes)).toEqual(bad.map(() => ['BAD_USER_INPUT']));
    expect(bad.map(fields)).toEqual([['rating'], ['rating'], ['rating'], ['comment'], ['orderId']]);
    // A float is refused by GraphQL's Int before it reaches the rules.
    expect((await add(order.buyer, order.orderId, 2.5 as number)).errors).not.toEqual([]);
    const { rows } = await kit.db.query('SELECT 1 FROM reviews WHERE order_id = $1', [
      order.orderId,
    ]);
    expect(rows).toEqual([]);
    const longest = await add(order.buyer, order.orderId, 1, 'y'.repeat(2_000));
    expect(longest.errors).toEqual([]);
    expect(longest.data?.addReview.comment).toHaveLength(2_000);
  });

  it('takes one of 10 concurrent reviews of the same side', async () => {
    const order = await kit.completedOrder();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, n) => add(order.buyer, order.orderId, (n % 5) + 1)),
    );
    expect(results.filter((result) => result.errors.length === 0)).toHaveLength(1);
    expect(results.flatMap(codes).sort()).toEqual(Array.from({ length: 9 }, () => 'CONFLICT'));
  });

  it('lets only the reviewed seller reply to a buyer’s review, once', async () => {
    const order = await kit.completedOrder();
    const { buyer, seller } = order;
    const byBuyer = (await add(buyer, order.orderId)).data?.addReview;
    const bySeller = (await add(seller, order.orderId)).data?.addReview;
    if (!byBuyer || !bySeller) throw new Error('no reviews');
    const reply = (account: TestAccount | null, reviewId: string, body = 'Thank you!') =>
      (account?.client ?? kit.client).request<{ replyToReview: ReviewJson }>(REPLY, {
        reviewId,
        body,
      });

    expect(codes(await reply(null, byBuyer.id))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await reply(stranger, byBuyer.id))).toEqual(['FORBIDDEN']);
    expect(codes(await reply(buyer, byBuyer.id))).toEqual(['FORBIDDEN']); // the reviewer
    // The buyer does not answer the seller's review of them.
    expect(codes(await reply(buyer, bySeller.id))).toEqual(['FORBIDDEN']);
    expect(codes(await reply(seller, randomUUID()))).toEqual(['NOT_FOUND']);
    const badBodies = [
      await reply(seller, byBuyer.id, '   '),
      await reply(seller, byBuyer.id, 'z'.repeat(2_001)),
    ];
    expect(badBodies.map(codes)).toEqual([['BAD_USER_INPUT'], ['BAD_USER_INPUT']]);
    expect(badBodies.map(fields)).toEqual([['body'], ['body']]);
    expect(codes(await reply(seller, 'nope'))).toEqual(['BAD_USER_INPUT']);

    const answered = await reply(seller, byBuyer.id, '  Thank you!  ');
    expect(answered.errors).toEqual([]);
    expect(answered.data?.replyToReview).toMatchObject({
      id: byBuyer.id,
      reply: { body: 'Thank you!' },
    });
    expect(codes(await reply(seller, byBuyer.id, 'Again'))).toEqual(['CONFLICT']);
    expect(
      await kit.client.data<{ review: { reply: { body: string } } }>(REVIEW, { id: byBuyer.id }),
    ).toMatchObject({ review: { reply: { body: 'Thank you!' } } });
  });

  it('takes one of 10 concurrent replies', async () => {
    const order = await kit.completedOrder();
    const review = (await add(order.buyer, order.orderId)).data?.addReview;
    if (!review) throw new Error('no review');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        order.seller.client.request(REPLY, { reviewId: review.id, body: `Reply ${n}` }),
      ),
    );
    expect(results.filter((result) => result.errors.length === 0)).toHaveLength(1);
    expect(results.flatMap(codes)).toEqual(Array.from({ length: 9 }, () => 'CONFLICT'));
    const { rows } = await kit.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox_events
       WHERE type = 'reviews.review.replied' AND payload->'data'->>'reviewId' = $1`,
      [review.id],
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('publishes reviews.review.created and reviews.review.replied through the outbox', async () => {
    const order = await kit.completedOrder();
    const review = (await add(order.buyer, order.orderId, 3, 'Fine')).data?.addReview;
    if (!review) throw new Error('no review');
    await order.seller.client.data(REPLY, { reviewId: review.id, body: 'Thanks' });
    const events = await eventually(
      async () => {
        const rows = (await kit.outbox()).filter(
          (row) => (row.payload.data as { reviewId?: string }).reviewId === review.id,
        );
        return rows.length === 2 && rows.every((row) => row.sent) ? rows : null;
      },
      { what: 'both events of the review published' },
    );
    expect(events.map((row) => [row.type, row.payload.version])).toEqual([
      ['reviews.review.created', 1],
      ['reviews.review.replied', 2],
    ]);
    expect(events[0]?.payload.data).toEqual({
      reviewId: review.id,
      orderId: order.orderId,
      gigId: order.gigId,
      sellerId: order.seller.id,
      buyerId: order.buyer.id,
      kind: 'BUYER_TO_SELLER',
      reviewerId: order.buyer.id,
      revieweeId: order.seller.id,
      rating: 3,
      comment: 'Fine',
      createdAt: review.createdAt,
    });
    expect(events[1]?.payload.data).toMatchObject({
      reviewId: review.id,
      reviewerId: order.buyer.id,
      revieweeId: order.seller.id,
      body: 'Thanks',
    });
  });

  it('keeps one completed order however often orders.order.completed arrives', async () => {
    const [buyer, seller] = [await kit.account(), await kit.account()];
    const ids = {
      orderId: randomUUID(),
      gigId: randomUUID(),
      buyerId: buyer.id,
      sellerId: seller.id,
    };
    const event = orderCompleted(ids);
    // The same envelope twice (a redelivery) and a second envelope for the same order.
    await kit.publishCompleted([event, event, orderCompleted(ids)]);
    const { rows } = await kit.db.query(
      'SELECT buyer_id FROM completed_orders WHERE order_id = $1',
      [ids.orderId],
    );
    expect(rows).toEqual([{ buyer_id: buyer.id }]);
    expect((await add(buyer, ids.orderId)).errors).toEqual([]);
  });

  describe('lists', () => {
    let seller: TestAccount;
    let gigId: string;
    let orders: TestOrder[];

    beforeAll(async () => {
      seller = await kit.account();
      gigId = randomUUID();
      orders = [];
      for (let n = 0; n < 5; n++) orders.push(await kit.completedOrder({ seller, gigId }));
      for (const [n, order] of orders.entries()) {
        expect((await add(order.buyer, order.orderId, n + 1)).errors).toEqual([]);
      }
      // The seller's review of one buyer is the buyer's, not the gig's.
      expect((await add(seller, orders[0]?.orderId ?? '', 2)).errors).toEqual([]);
    });

    const GIG_PAGE = `query ($id: ID!, $first: Int, $after: String) {
      review(id: $id) { gig { reviews(first: $first, after: $after) {
        edges { cursor node { id rating kind } } pageInfo { hasNextPage endCursor } } } }
    }`;
    const RECEIVED = `query ($id: ID!, $kind: ReviewKind, $first: Int) {
      review(id: $id) { reviewee { reviewsReceived(kind: $kind, first: $first) {
        edges { node { id rating kind } } pageInfo { hasNextPage } } } }
    }`;

    it('pages a gig’s buyers’ reviews newest first', async () => {
      const anyReview = (
        await kit.db.query<{ id: string }>(
          `SELECT id FROM reviews WHERE gig_id = $1 AND kind = 'BUYER_TO_SELLER' LIMIT 1`,
          [gigId],
        )
      ).rows[0]?.id;
      const page = async (first: number, after?: string | null) =>
        (
          await kit.client.data<{ review: { gig: { reviews: PageJson } } }>(GIG_PAGE, {
            id: anyReview,
            first,
            after,
          })
        ).review.gig.reviews;
      const first = await page(3);
      expect(first.edges.map((edge) => edge.node.rating)).toEqual([5, 4, 3]);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const rest = await page(3, first.pageInfo.endCursor);
      expect(rest.edges.map((edge) => edge.node.rating)).toEqual([2, 1]);
      expect(rest.pageInfo.hasNextPage).toBe(false);
      expect(rest.edges.every((edge) => edge.node.kind === 'BUYER_TO_SELLER')).toBe(true);
      const tooMany = await kit.client.request(GIG_PAGE, { id: anyReview, first: 101 });
      expect(codes(tooMany)).toEqual(['BAD_USER_INPUT']);
      const forged = await kit.client.request(GIG_PAGE, { id: anyReview, first: 2, after: 'abc' });
      expect(codes(forged)).toEqual(['BAD_USER_INPUT']);
    });

    it('lists what a user received, of one kind or both', async () => {
      const buyerReview = (
        await kit.db.query<{ id: string }>(
          `SELECT id FROM reviews WHERE order_id = $1 AND kind = 'SELLER_TO_BUYER'`,
          [orders[0]?.orderId],
        )
      ).rows[0]?.id; // reviewee: the first buyer
      const sellerReview = (
        await kit.db.query<{ id: string }>(
          `SELECT id FROM reviews WHERE order_id = $1 AND kind = 'BUYER_TO_SELLER'`,
          [orders[1]?.orderId],
        )
      ).rows[0]?.id; // reviewee: the seller
      const received = async (id: string | undefined, kind: string | null) =>
        (
          await kit.client.data<{ review: { reviewee: { reviewsReceived: PageJson } } }>(RECEIVED, {
            id,
            kind,
            first: 10,
          })
        ).review.reviewee.reviewsReceived.edges.map(
          (edge) => `${edge.node.kind}:${edge.node.rating}`,
        );
      expect(await received(sellerReview, null)).toEqual(
        [5, 4, 3, 2, 1].map((n) => `BUYER_TO_SELLER:${n}`),
      );
      expect(await received(sellerReview, 'SELLER_TO_BUYER')).toEqual([]);
      expect(await received(buyerReview, null)).toEqual(['SELLER_TO_BUYER:2']);
      expect(await received(buyerReview, 'BUYER_TO_SELLER')).toEqual([]);
    });

    it('reads the pages of 10 or 50 gigs and users in the same number of statements', async () => {
      const gigIds = [gigId, ...Array.from({ length: 49 }, () => randomUUID())];
      const ENTITIES = `query ($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on Gig { reviews(first: 3) { edges { node { id rating reviewer { id } } } } }
          ... on User { reviewsReceived(first: 3) { edges { node { id gig { id } } } } }
        }
      }`;
      const measure = async (count: number) => {
        const representations = gigIds.slice(0, count).flatMap((id, n) => [
          { __typename: 'Gig', id },
          { __typename: 'User', id: n === 0 ? seller.id : randomUUID() },
        ]);
        kit.counter.reset();
        const response = await kit.subgraphRequest<{
          _entities: { reviews?: { edges: unknown[] }; reviewsReceived?: { edges: unknown[] } }[];
        }>(ENTITIES, { representations });
        expect(response.errors).toEqual([]);
        return { data: response.data?._entities ?? [], count: kit.counter.count };
      };
      const ten = await measure(10);
      const fifty = await measure(50);
      expect(ten.data).toHaveLength(20);
      expect(fifty.data).toHaveLength(100);
      expect(fifty.data[0]?.reviews?.edges).toHaveLength(3);
      expect(fifty.data[1]?.reviewsReceived?.edges).toHaveLength(3);
      // One statement for the gigs' pages, one for the users'.
      expect(ten.count).toBe(2);
      expect(fifty.count).toBe(2);
    });
  });
});
