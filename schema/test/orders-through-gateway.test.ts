// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { parseChatConfig, startChatService } from '@jobber/chat';
import { AmqpTransport, type EventEnvelope } from '@jobber/events';
import { parseGigsConfig, startGigsService } from '@jobber/gigs';
import { parseOrdersConfig, startOrdersService } from '@jobber/orders';
import { parseReviewsConfig, startReviewsService } from '@jobber/reviews';
import { createLogger } from '@jobber/service-kit';
import {
  eventually,
  startTestSupergraph,
  statementCounter,
  testConfig,
  signUpMember,
  waitForBuyerProfile,
  type Member,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';
import { chatTimers, SEND_MESSAGE } from './chat-kit.js';
import { CREATE_GIG, gigInput, signUpSeller } from './gigs-helpers.js';

// Issue 16, "Acceptance": a custom offer in chat becomes a paid order and goes through its whole
// life through the gateway, then both sides review it, with auth, users, gigs, chat, orders and
// reviews each a real service joined by real events; the gig's and the seller's ratings and the
// seller's stats are right, each counted once also when every orders and reviews event is
// delivered again; `User.orders(first: 50)` costs a fixed number of SQL statements per subgraph.

const statements = {
  auth: statementCounter(),
  users: statementCounter(),
  gigs: statementCounter(),
  orders: statementCounter(),
};
let supergraph: TestSupergraph;
let orders: pg.Pool;
let alice: Member; // the seller
let bob: Member; // the buyer
let gigId: string;

const SEND_OFFER = `mutation ($conversationId: ID!, $gigId: ID!) {
  sendOffer(conversationId: $conversationId, gigId: $gigId, priceCents: 123456, deliveryDays: 4, description: "A logo, a favicon and a style sheet") { id offer { state } }
}`;
const OFFER_STATE = `query ($id: ID!) { conversation(id: $id) { messages { edges { node { id offer { state } } } } } }`;
const ORDER_FIELDS = `id number status priceCents serviceFeeCents totalCents sellerEarningsCents dueAt
  gig { id title } buyer { id username } seller { id username sellerProfile { fullName } }
  deliveries { message } revisionRequests { reason } extensionRequests { state }
  timeline { what actor { username } } payment { provider status amountCents }`;
const step = (name: string, args: string, vars: string) =>
  `mutation (${vars}) { ${name}(${args}) { ${ORDER_FIELDS} } }`;
const STATS = `{ viewer { sellerProfile { stats { ongoingJobs completedJobs cancelledJobs totalEarningsCents } } } }`;
const PURCHASES = `{ viewer { buyerProfile { purchasedGigsCount } } }`;
const MY_ORDERS = `query ($first: Int!) { viewer { orders(role: BUYER, first: $first) { edges { node {
  id status gig { id title price { amountCents } } buyer { id username } seller { id username sellerProfile { fullName } }
} } } } }`;

interface OrderJson {
  id: string;
  status: string;
  priceCents: number;
  totalCents: number;
  sellerEarningsCents: number;
  dueAt: string | null;
  timeline: { what: string; actor: { username: string } | null }[];
  [key: string]: unknown;
}

beforeAll(async () => {
  supergraph = await startTestSupergraph({
    auth: (env) => startAuthService(parseAuthConfig(env), { onQuery: statements.auth.onQuery }),
    users: (env) => startUsersService(parseUsersConfig(env), { onQuery: statements.users.onQuery }),
    gigs: (env) => startGigsService(parseGigsConfig(env), { onQuery: statements.gigs.onQuery }),
    chat: (env) => startChatService(parseChatConfig({ ...env, ...chatTimers })),
    orders: (env) =>
      startOrdersService(parseOrdersConfig(env), { onQuery: statements.orders.onQuery }),
    reviews: (env) => startReviewsService(parseReviewsConfig(env)),
  });
  const database = supergraph.databases.orders;
  if (!database) throw new Error('no orders database');
  orders = new pg.Pool({ connectionString: database.url, max: 2 });
  alice = await signUpSeller(supergraph);
  bob = await signUpMember(supergraph.client);
  await waitForBuyerProfile(bob);
  const { createGig } = await alice.client.data<{ createGig: { id: string } }>(CREATE_GIG, {
    input: gigInput({ priceCents: 9_000 }),
  });
  gigId = createGig.id;
  await eventually(
    async () =>
      ((await orders.query('SELECT 1 FROM gigs WHERE id = $1', [gigId])).rowCount ?? 0) > 0,
    { what: 'orders knows the gig', timeoutMs: 30_000 },
  );
}, 120_000);
afterAll(async () => {
  await orders?.end();
  await supergraph?.stop();
});

/**
 * Every reviews event delivered again (the same envelopes), then a marker after them: once gigs
 * and users took the marker, they saw the duplicates before it.
 */
async function redeliverReviews(): Promise<void> {
  const reviewsDb = new pg.Pool({ connectionString: supergraph.databases.reviews?.url, max: 1 });
  const publisher = new AmqpTransport({
    url: supergraph.events.amqpUrl,
    exchange: supergraph.events.exchange,
    queuePrefix: supergraph.events.queuePrefix,
    logger: createLogger({ service: 'orders-test', level: testConfig.TEST_LOG_LEVEL }),
  });
  try {
    const { rows } = await reviewsDb.query<{ payload: EventEnvelope }>(
      `SELECT payload FROM outbox_events WHERE type LIKE 'reviews.%' ORDER BY seq`,
    );
    expect(rows.map((row) => row.payload.type)).toEqual([
      'reviews.review.created',
      'reviews.review.created',
    ]);
    const last = rows[rows.length - 1]?.payload;
    if (!last) throw new Error('no reviews events');
    const marker = { ...last, id: crypto.randomUUID() };
    await publisher.publish([...rows.map((row) => row.payload), marker]);
    for (const [subgraph, consumer] of [
      ['users', 'users.ratings'],
      ['gigs', 'gigs.ratings'],
    ] as const) {
      const db = new pg.Pool({ connectionString: supergraph.databases[subgraph]?.url, max: 1 });
      try {
        await eventually(
          async () =>
            ((
              await db.query(`SELECT 1 FROM inbox_events WHERE consumer = $1 AND event_id = $2`, [
                consumer,
                marker.id,
              ])
            ).rowCount ?? 0) > 0,
          { what: `${consumer} took the duplicates`, timeoutMs: 30_000 },
        );
      } finally {
        await db.end();
      }
    }
  } finally {
    await publisher.close();
    await reviewsDb.end();
  }
}

describe('orders through the gateway', () => {
  it('offer → accept → pay → start → extension → deliver → revision → deliver → accept → both review; counted once', async () => {
    // Bob writes to Alice, Alice sends a custom offer (chat.offer.sent reaches orders).
    const { sendMessage } = await eventually(
      async () => {
        const sent = await bob.client.request<{ sendMessage: { conversation: { id: string } } }>(
          SEND_MESSAGE,
          { recipientId: alice.id, body: 'Can you do a logo?' },
        );
        return sent.errors.length === 0 ? sent.data : null;
      },
      { what: 'chat knows both accounts', timeoutMs: 30_000 },
    );
    const conversationId = sendMessage.conversation.id;
    const { sendOffer } = await eventually(
      async () => {
        const sent = await alice.client.request<{ sendOffer: { id: string } }>(SEND_OFFER, {
          conversationId,
          gigId,
        });
        return sent.errors.length === 0 ? sent.data : null;
      },
      { what: 'chat knows the gig', timeoutMs: 30_000 },
    );
    const offerId = sendOffer.id;
    await eventually(
      async () =>
        ((await orders.query('SELECT 1 FROM offers WHERE id = $1', [offerId])).rowCount ?? 0) > 0,
      { what: 'orders knows the offer' },
    );

    const { acceptOffer } = await bob.client.data<{
      acceptOffer: { clientSecret: string; order: OrderJson };
    }>(
      `mutation ($offerId: ID!) { acceptOffer(offerId: $offerId) { clientSecret order { ${ORDER_FIELDS} } } }`,
      {
        offerId,
      },
    );
    const orderId = acceptOffer.order.id;
    expect(acceptOffer.clientSecret).toBeTruthy();
    expect(acceptOffer.order).toMatchObject({
      status: 'PENDING_PAYMENT',
      priceCents: 123_456,
      serviceFeeCents: 6_790, // 6,790.08 → 6,790
      totalCents: 130_246,
      sellerEarningsCents: 98_764, // 98,764.8 → 98,764
      gig: { id: gigId, title: 'I will design a minimalist logo' },
      buyer: { id: bob.id, username: bob.username },
      seller: {
        id: alice.id,
        username: alice.username,
        sellerProfile: { fullName: `Seller ${alice.username}` },
      },
      payment: { provider: 'SANDBOX', status: 'REQUIRES_PAYMENT', amountCents: 130_246 },
    });

    const run = async (who: Member, mutation: string, vars: Record<string, unknown> = {}) => {
      const data = await who.client.data<Record<string, OrderJson>>(mutation, { orderId, ...vars });
      return Object.values(data)[0] as OrderJson;
    };
    const paid = await run(
      bob,
      step(
        'confirmPayment',
        'orderId: $orderId, cardNumber: $card',
        '$orderId: ID!, $card: String!',
      ),
      { card: '4242424242424242' },
    );
    expect(paid.status).toBe('PLACED');
    // The offer is ACCEPTED in chat, through orders.order.placed.
    await eventually(
      async () => {
        const { conversation } = await bob.client.data<{
          conversation: {
            messages: { edges: { node: { id: string; offer: { state: string } | null } }[] };
          };
        }>(OFFER_STATE, { id: conversationId });
        const offer = conversation.messages.edges.find((edge) => edge.node.id === offerId);
        return offer?.node.offer?.state === 'ACCEPTED' ? true : null;
      },
      { what: 'the offer accepted in chat' },
    );

    await run(alice, step('startOrder', 'orderId: $orderId', '$orderId: ID!'));
    await run(
      alice,
      step(
        'requestExtension',
        'orderId: $orderId, days: 2, reason: "Favicon sizes"',
        '$orderId: ID!',
      ),
    );
    const extended = await run(
      bob,
      step('respondToExtension', 'orderId: $orderId, approve: true', '$orderId: ID!'),
    );
    expect(Date.parse(extended.dueAt ?? '')).toBe(Date.parse(paid.dueAt ?? '') + 2 * 86_400_000);
    const deliver = step(
      'deliverOrder',
      'orderId: $orderId, message: $message',
      '$orderId: ID!, $message: String!',
    );
    await run(alice, deliver, { message: 'First draft' });
    await run(bob, step('requestRevision', 'orderId: $orderId, reason: "Bolder"', '$orderId: ID!'));
    await run(alice, deliver, { message: 'Bolder' });
    const done = await run(bob, step('acceptDelivery', 'orderId: $orderId', '$orderId: ID!'));
    expect(done.status).toBe('COMPLETED');
    expect(done.timeline.map((entry) => [entry.what, entry.actor?.username ?? null])).toEqual([
      ['CREATED', bob.username],
      ['PAID', bob.username],
      ['STARTED', alice.username],
      ['EXTENSION_REQUESTED', alice.username],
      ['EXTENSION_APPROVED', bob.username],
      ['DELIVERED', alice.username],
      ['REVISION_REQUESTED', bob.username],
      ['DELIVERED', alice.username],
      ['COMPLETED', bob.username],
    ]);

    const expected = {
      ongoingJobs: 0,
      completedJobs: 1,
      cancelledJobs: 0,
      totalEarningsCents: 98_764,
    };
    const stats = async () =>
      (
        await alice.client.data<{
          viewer: { sellerProfile: { stats: typeof expected } | null };
        }>(STATS)
      ).viewer.sellerProfile?.stats;
    await eventually(async () => ((await stats())?.completedJobs === 1 ? true : null), {
      what: 'users counted the completed order',
      timeoutMs: 30_000,
    });
    expect(await stats()).toEqual(expected);
    const purchases = async () =>
      (
        await bob.client.data<{ viewer: { buyerProfile: { purchasedGigsCount: number } } }>(
          PURCHASES,
        )
      ).viewer.buyerProfile.purchasedGigsCount;
    expect(await purchases()).toBe(1);

    // Both review the order once reviews knows it completed (orders.order.completed).
    const addReview = `mutation ($orderId: ID!, $rating: Int!, $comment: String!) {
      addReview(orderId: $orderId, rating: $rating, comment: $comment) { id kind }
    }`;
    const review = (who: Member, rating: number) =>
      eventually(
        async () => {
          const answer = await who.client.request(addReview, {
            orderId,
            rating,
            comment: 'Good to work with',
          });
          return answer.errors.length === 0 ? answer.data : null;
        },
        { what: 'reviews knowing the order completed', timeoutMs: 30_000 },
      );
    await review(bob, 5);
    await review(alice, 4);
    const ratingsQuery = `query ($id: ID!, $username: String!) {
      gig(id: $id) { rating { count average } }
      seller(username: $username) { stats { ratingsCount ratingAverage } }
    }`;
    const expectedRatings = {
      gig: { rating: { count: 1, average: 5 } },
      seller: { stats: { ratingsCount: 1, ratingAverage: 5 } },
    };
    const ratings = () =>
      supergraph.client.data<typeof expectedRatings>(ratingsQuery, {
        id: gigId,
        username: alice.username,
      });
    await eventually(
      async () => {
        const now = await ratings();
        return now.gig.rating.count === 1 && now.seller.stats.ratingsCount === 1 ? true : null;
      },
      { what: 'gigs and users counted the buyer’s review', timeoutMs: 30_000 },
    );
    expect(await ratings()).toEqual(expectedRatings);

    // Every orders event delivered a second time (as the broker would after a lost ack): users'
    // inbox takes each once more and nothing changes.
    const { rows } = await orders.query<{ payload: EventEnvelope }>(
      `SELECT payload FROM outbox_events WHERE type LIKE 'orders.%' ORDER BY seq`,
    );
    expect(rows.map((row) => row.payload.type)).toEqual([
      'orders.order.placed',
      'orders.order.started',
      'orders.extension.requested',
      'orders.extension.decided',
      'orders.order.delivered',
      'orders.order.started',
      'orders.order.delivered',
      'orders.order.completed',
    ]);
    const publisher = new AmqpTransport({
      url: supergraph.events.amqpUrl,
      exchange: supergraph.events.exchange,
      queuePrefix: supergraph.events.queuePrefix,
      logger: createLogger({ service: 'orders-test', level: testConfig.TEST_LOG_LEVEL }),
    });
    try {
      await publisher.publish(rows.map((row) => row.payload));
      // A marker after them on the same queue: once it is in, the duplicates before it were seen.
      const users = new pg.Pool({ connectionString: supergraph.databases.users?.url, max: 1 });
      try {
        const marker = rows[rows.length - 1]?.payload;
        if (!marker) throw new Error('no events');
        const again = { ...marker, id: crypto.randomUUID() };
        await publisher.publish([again]);
        await eventually(
          async () =>
            ((
              await users.query(
                `SELECT 1 FROM inbox_events WHERE consumer = 'users.orders' AND event_id = $1`,
                [again.id],
              )
            ).rowCount ?? 0) > 0,
          { what: 'users took the duplicates', timeoutMs: 30_000 },
        );
      } finally {
        await users.end();
      }
    } finally {
      await publisher.close();
    }
    expect(await stats()).toEqual(expected);
    expect(await purchases()).toBe(1);
    await redeliverReviews();
    expect(await ratings()).toEqual(expectedRatings);
    expect(await stats()).toEqual(expected);
  });

  it('completes an order once when the buyer accepts the delivery 20 times at once; the seller is paid once', async () => {
    const orderOf = `mutation ($gigId: ID!) { placeOrder(gigId: $gigId, requirements: "Once") { order { id sellerEarningsCents } } }`;
    const { placeOrder } = await bob.client.data<{
      placeOrder: { order: { id: string; sellerEarningsCents: number } };
    }>(orderOf, { gigId });
    const orderId = placeOrder.order.id;
    const move = (who: Member, mutation: string) => who.client.data(mutation, { orderId });
    await bob.client.data(
      `mutation ($orderId: ID!) { confirmPayment(orderId: $orderId, cardNumber: "4242424242424242") { id } }`,
      { orderId },
    );
    await move(alice, `mutation ($orderId: ID!) { startOrder(orderId: $orderId) { id } }`);
    await move(
      alice,
      `mutation ($orderId: ID!) { deliverOrder(orderId: $orderId, message: "Done") { id } }`,
    );
    const accept = `mutation ($orderId: ID!) { acceptDelivery(orderId: $orderId) { id status } }`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => bob.client.request(accept, { orderId })),
    );
    const codes = answers.map((answer) => answer.errors[0]?.extensions?.['code'] ?? 'OK');
    expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
    expect(codes.filter((code) => code === 'CONFLICT')).toHaveLength(19);
    // 7,200 more: 80 % of the gig's 9,000 cents, counted once.
    const expected = {
      ongoingJobs: 0,
      completedJobs: 2,
      cancelledJobs: 0,
      totalEarningsCents: 98_764 + 7_200,
    };
    expect(placeOrder.order.sellerEarningsCents).toBe(7_200);
    await eventually(
      async () => {
        const { viewer } = await alice.client.data<{
          viewer: { sellerProfile: { stats: typeof expected } | null };
        }>(STATS);
        return viewer.sellerProfile?.stats.completedJobs === 2 ? viewer.sellerProfile.stats : null;
      },
      { what: 'the second completion counted', timeoutMs: 30_000 },
    );
    const { viewer } = await alice.client.data<{
      viewer: { sellerProfile: { stats: typeof expected } | null };
    }>(STATS);
    expect(viewer.sellerProfile?.stats).toEqual(expected);
    const { rows } = await orders.query(
      `SELECT 1 FROM outbox_events WHERE type = 'orders.order.completed' AND payload->'data'->>'orderId' = $1`,
      [orderId],
    );
    expect(rows).toHaveLength(1);
  });

  it('User.orders(first: 50) with gig, buyer and seller costs a fixed number of statements per subgraph', async () => {
    const buyer = await signUpMember(supergraph.client);
    await waitForBuyerProfile(buyer);
    const place = `mutation ($gigId: ID!) { placeOrder(gigId: $gigId, requirements: "A fox") { order { id } } }`;
    const measure = async (count: number) => {
      for (const counter of Object.values(statements)) counter.reset();
      const data = await buyer.client.data<{
        viewer: {
          orders: { edges: { node: { seller: { sellerProfile: { fullName: string } } } }[] };
        };
      }>(MY_ORDERS, { first: 50 });
      expect(data.viewer.orders.edges).toHaveLength(count);
      expect(data.viewer.orders.edges[0]?.node.seller.sellerProfile.fullName).toBe(
        `Seller ${alice.username}`,
      );
      return Object.fromEntries(
        Object.entries(statements).map(([name, counter]) => [name, counter.count]),
      );
    };
    for (let i = 0; i < 10; i++) await buyer.client.data(place, { gigId });
    const ten = await measure(10);
    for (let i = 0; i < 40; i++) await buyer.client.data(place, { gigId });
    const fifty = await measure(50);
    expect(fifty).toEqual(ten);
    // orders: the page; users: the seller profiles; gigs: the gigs; auth: the viewer, then the
    // buyers' and sellers' accounts together (the gateway sends both fetches of that wave to auth
    // in one request, so one batch loads them).
    expect(fifty).toEqual({ orders: 1, users: 1, gigs: 1, auth: 2 });
  });
});
