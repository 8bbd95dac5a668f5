import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { AmqpTransport, createEnvelope, type EventEnvelope } from '@jobber/events';
import { createLogger, type RunningService } from '@jobber/service-kit';
import {
  GraphQLClient,
  eventually,
  signAccessToken,
  startTestSupergraph,
  statementCounter,
  testConfig,
  type GraphQLResponse,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseOrdersConfig, startOrdersService, type OrdersConfig } from '../src/index.js';

/** A user with a gateway client signed in as them (orders needs no account of its own). */
export interface TestUser {
  id: string;
  client: GraphQLClient;
}

/** A clock the test moves: real time plus an offset (no sleeping to reach a due job). */
export class TestClock {
  offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Test card numbers (Stripe test mode's). */
export const CARDS = {
  ok: '4242424242424242',
  declined: '4000000000000002',
  action: '4000002500003155',
};

export const ORDER_FIELDS = `id number status priceCents serviceFeeCents totalCents
  sellerEarningsCents currency requirements dueAt offerId gigTitle createdAt
  gig { id } buyer { id } seller { id }
  deliveries { id message attachmentUrl deliveredAt }
  revisionRequests { id reason }
  extensionRequests { id state currentDueAt requestedDueAt reason }
  cancellationRequests { id state reason }
  timeline { what actor { id } detail at }
  payment { provider intentId status amountCents currency refundedCents }`;

export interface OrderJson {
  id: string;
  number: string;
  status: string;
  priceCents: number;
  serviceFeeCents: number;
  totalCents: number;
  sellerEarningsCents: number;
  currency: string;
  requirements: string;
  dueAt: string | null;
  offerId: string | null;
  gigTitle: string;
  gig: { id: string } | null;
  buyer: { id: string } | null;
  seller: { id: string } | null;
  deliveries: { id: string; message: string; attachmentUrl: string | null }[];
  revisionRequests: { id: string; reason: string }[];
  extensionRequests: {
    id: string;
    state: string;
    currentDueAt: string;
    requestedDueAt: string;
  }[];
  cancellationRequests: { id: string; state: string; reason: string }[];
  timeline: { what: string; actor: { id: string } | null; detail: string | null }[];
  payment: {
    provider: string;
    intentId: string;
    status: string;
    amountCents: number;
    refundedCents: number;
  } | null;
}

export const PLACE = `mutation ($gigId: ID!, $requirements: String!) {
  placeOrder(gigId: $gigId, requirements: $requirements) { clientSecret order { ${ORDER_FIELDS} } }
}`;
export const ACCEPT_OFFER = `mutation ($offerId: ID!) {
  acceptOffer(offerId: $offerId) { clientSecret order { ${ORDER_FIELDS} } }
}`;
export const PAY = `mutation ($orderId: ID!, $cardNumber: String!) {
  confirmPayment(orderId: $orderId, cardNumber: $cardNumber) { ${ORDER_FIELDS} }
}`;
export const START = `mutation ($orderId: ID!) { startOrder(orderId: $orderId) { ${ORDER_FIELDS} } }`;
export const DELIVER = `mutation ($orderId: ID!, $message: String!, $attachmentUrl: String) {
  deliverOrder(orderId: $orderId, message: $message, attachmentUrl: $attachmentUrl) { ${ORDER_FIELDS} }
}`;
export const REVISE = `mutation ($orderId: ID!, $reason: String!) {
  requestRevision(orderId: $orderId, reason: $reason) { ${ORDER_FIELDS} }
}`;
export const ACCEPT = `mutation ($orderId: ID!) { acceptDelivery(orderId: $orderId) { ${ORDER_FIELDS} } }`;
export const ASK_CANCEL = `mutation ($orderId: ID!, $reason: String!) {
  requestCancellation(orderId: $orderId, reason: $reason) { ${ORDER_FIELDS} }
}`;
export const ANSWER_CANCEL = `mutation ($orderId: ID!, $accept: Boolean!) {
  respondToCancellation(orderId: $orderId, accept: $accept) { ${ORDER_FIELDS} }
}`;
export const CANCEL = `mutation ($orderId: ID!, $reason: String!) {
  cancelOrder(orderId: $orderId, reason: $reason) { ${ORDER_FIELDS} }
}`;
export const ASK_EXTENSION = `mutation ($orderId: ID!, $days: Int, $newDueAt: DateTime, $reason: String!) {
  requestExtension(orderId: $orderId, days: $days, newDueAt: $newDueAt, reason: $reason) { ${ORDER_FIELDS} }
}`;
export const ANSWER_EXTENSION = `mutation ($orderId: ID!, $approve: Boolean!) {
  respondToExtension(orderId: $orderId, approve: $approve) { ${ORDER_FIELDS} }
}`;
export const ORDER = `query ($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;

/**
 * The orders subgraph behind a real gateway, on a database, exchange and queues of its own;
 * gigs come from real `gigs.gig.*` events and offers from `chat.offer.*` events, as in
 * production. The clock is the test's (`clock.advance`).
 */
export class OrdersKit {
  private readonly extra: RunningService[] = [];

  private constructor(
    readonly counter: ReturnType<typeof statementCounter>,
    readonly supergraph: TestSupergraph,
    readonly publisher: AmqpTransport,
    readonly db: pg.Pool,
    readonly clock: TestClock,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<OrdersKit> {
    const counter = statementCounter();
    const clock = new TestClock();
    const supergraph = await startTestSupergraph({
      orders: (base) =>
        startOrdersService(withClock(parseOrdersConfig({ ...base, ...env }), clock), {
          onQuery: counter.onQuery,
        }),
    });
    const publisher = new AmqpTransport({
      url: supergraph.events.amqpUrl,
      exchange: supergraph.events.exchange,
      queuePrefix: supergraph.events.queuePrefix,
      logger: createLogger({ service: 'orders-test', level: testConfig.TEST_LOG_LEVEL }),
    });
    const database = supergraph.databases.orders;
    if (!database) throw new Error('orders has no database');
    const db = new pg.Pool({ connectionString: database.url, max: 2 });
    return new OrdersKit(counter, supergraph, publisher, db, clock);
  }

  get client(): GraphQLClient {
    return this.supergraph.client;
  }

  /** Another orders process on the same database, exchange and clock. */
  async startAnotherOrders(env: Record<string, string> = {}): Promise<RunningService> {
    const service = await startOrdersService(
      withClock(parseOrdersConfig({ ...this.supergraph.envFor('orders'), ...env }), this.clock),
    );
    this.extra.push(service);
    return service;
  }

  async user(): Promise<TestUser> {
    const id = randomUUID();
    const token = await signAccessToken(this.supergraph.keys, { userId: id });
    return { id, client: this.client.as({ token }) };
  }

  /** Publishes a gig (as gigs would) and waits until orders handled it. */
  async publishGig(
    gig: { sellerId: string; priceCents?: number; active?: boolean; gigId?: string },
    version = 1,
  ): Promise<string> {
    const gigId = gig.gigId ?? randomUUID();
    const at = new Date().toISOString();
    await this.publishAndWait(
      createEnvelope(
        'gigs',
        version === 1 ? 'gigs.gig.published' : 'gigs.gig.updated',
        {
          gigId,
          sellerId: gig.sellerId,
          title: 'A logo in three days',
          category: 'design',
          subCategory: 'logos',
          tags: [],
          priceCents: gig.priceCents ?? 10_000,
          currency: 'USD',
          deliveryDays: 3,
          coverImageUrl: null,
          active: gig.active ?? true,
          createdAt: at,
          updatedAt: at,
        },
        new Date(),
        version,
      ),
      'orders.gigs',
    );
    return gigId;
  }

  /** Publishes a chat offer (as chat would) and waits until orders handled it. */
  async publishOffer(offer: {
    gigId: string;
    sellerId: string;
    buyerId: string;
    priceCents?: number;
    /** From now; 7 days as chat gives by default. */
    expiresInMs?: number;
  }): Promise<string> {
    const offerId = randomUUID();
    const now = new Date();
    await this.publishAndWait(
      createEnvelope(
        'chat',
        'chat.offer.sent',
        {
          offerId,
          conversationId: randomUUID(),
          gigId: offer.gigId,
          sellerId: offer.sellerId,
          buyerId: offer.buyerId,
          participantIds: [offer.sellerId, offer.buyerId],
          priceCents: offer.priceCents ?? 25_000,
          deliveryDays: 5,
          description: 'Two logos and a favicon',
          expiresAt: new Date(now.getTime() + (offer.expiresInMs ?? 7 * DAY_MS)).toISOString(),
          sentAt: now.toISOString(),
        },
        now,
        1,
      ),
      'orders.offers',
    );
    return offerId;
  }

  async publishAndWait(event: EventEnvelope, consumer: string): Promise<void> {
    await this.publisher.publish([event]);
    await eventually(
      async () =>
        (
          await this.db.query(`SELECT 1 FROM inbox_events WHERE consumer = $1 AND event_id = $2`, [
            consumer,
            event.id,
          ])
        ).rows.length > 0,
      { what: `${event.type} handled by ${consumer}` },
    );
  }

  /** A seller with an active gig and a buyer. */
  async sellerAndBuyer(priceCents = 10_000) {
    const [seller, buyer] = [await this.user(), await this.user()];
    const gigId = await this.publishGig({ sellerId: seller.id, priceCents });
    return { seller, buyer, gigId };
  }

  /** A new order of the gig, paid when `paid` (PLACED), started when `status` says so. */
  async orderIn(
    status: 'PENDING_PAYMENT' | 'PLACED' | 'IN_PROGRESS' | 'DELIVERED' | 'COMPLETED' | 'CANCELLED',
    parties?: { seller: TestUser; buyer: TestUser; gigId: string },
  ): Promise<{ seller: TestUser; buyer: TestUser; gigId: string; order: OrderJson }> {
    const { seller, buyer, gigId } = parties ?? (await this.sellerAndBuyer());
    const placed = await buyer.client.data<{ placeOrder: { order: OrderJson } }>(PLACE, {
      gigId,
      requirements: 'A fox, in orange',
    });
    let order = placed.placeOrder.order;
    const step = async (client: GraphQLClient, query: string, vars: Record<string, unknown>) => {
      const data = await client.data<Record<string, OrderJson>>(query, {
        orderId: order.id,
        ...vars,
      });
      order = Object.values(data)[0] as OrderJson;
    };
    if (status === 'PENDING_PAYMENT') return { seller, buyer, gigId, order };
    await step(buyer.client, PAY, { cardNumber: CARDS.ok });
    if (status === 'CANCELLED') await step(seller.client, CANCEL, { reason: 'Too busy' });
    if (status === 'PLACED' || status === 'CANCELLED') return { seller, buyer, gigId, order };
    await step(seller.client, START, {});
    if (status === 'IN_PROGRESS') return { seller, buyer, gigId, order };
    await step(seller.client, DELIVER, { message: 'Here it is' });
    if (status === 'DELIVERED') return { seller, buyer, gigId, order };
    await step(buyer.client, ACCEPT, {});
    return { seller, buyer, gigId, order };
  }

  /** The outbox's events of `type` (what orders published), oldest first. */
  async published(type: string, orderId?: string): Promise<Record<string, unknown>[]> {
    const { rows } = await this.db.query<{ data: Record<string, unknown> }>(
      `SELECT payload->'data' AS data FROM outbox_events WHERE type = $1
         AND ($2::text IS NULL OR payload->'data'->>'orderId' = $2) ORDER BY seq`,
      [type, orderId ?? null],
    );
    return rows.map((row) => row.data);
  }

  async stop(): Promise<void> {
    await this.db.end();
    await this.publisher.close();
    for (const service of this.extra) await service.stop(1_000);
    await this.supergraph.stop();
  }
}

export function withClock(config: OrdersConfig, clock: TestClock): OrdersConfig {
  return { ...config, orders: { ...config.orders, clock: clock.now } };
}

/** The error codes of a response. */
export function codes(response: GraphQLResponse<unknown>): unknown[] {
  return response.errors.map((error) => error.extensions?.['code']);
}
