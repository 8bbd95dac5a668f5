import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { AmqpTransport, createEnvelope, type EventEnvelope } from '@jobber/events';
import {
  INTERNAL_CREDENTIAL_HEADER,
  anonymousClient,
  createInternalCredentialSigner,
  createLogger,
  type InternalCredentialSigner,
} from '@jobber/service-kit';
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
import { parseReviewsConfig, startReviewsService } from '../src/index.js';

/** A user (auth need not know them: reviews only keeps ids) and a gateway client signed in as it. */
export interface TestAccount {
  id: string;
  client: GraphQLClient;
}

/** A completed order as reviews learnt it from `orders.order.completed`. */
export interface TestOrder {
  orderId: string;
  gigId: string;
  buyer: TestAccount;
  seller: TestAccount;
}

export const REVIEW_FIELDS = `id kind rating comment createdAt order { id } gig { id }
  reviewer { id } reviewee { id } reply { body repliedAt }`;

export const ADD_REVIEW = `mutation ($orderId: ID!, $rating: Int!, $comment: String!) {
  addReview(orderId: $orderId, rating: $rating, comment: $comment) { ${REVIEW_FIELDS} }
}`;

export const REPLY = `mutation ($reviewId: ID!, $body: String!) {
  replyToReview(reviewId: $reviewId, body: $body) { ${REVIEW_FIELDS} }
}`;

export interface ReviewJson {
  id: string;
  kind: 'BUYER_TO_SELLER' | 'SELLER_TO_BUYER';
  rating: number;
  comment: string;
  createdAt: string;
  order: { id: string } | null;
  gig: { id: string } | null;
  reviewer: { id: string } | null;
  reviewee: { id: string } | null;
  reply: { body: string; repliedAt: string } | null;
}

/** `orders.order.completed` as orders publishes it (only the ids and times matter to reviews). */
export function orderCompleted(
  order: { orderId: string; gigId: string; buyerId: string; sellerId: string },
  at = new Date(),
  version = 5,
): EventEnvelope<'orders.order.completed'> {
  return createEnvelope(
    'orders',
    'orders.order.completed',
    {
      ...order,
      orderNumber: `JB-${randomBytes(3).toString('hex').toUpperCase()}`,
      gigTitle: 'I will design a logo',
      offerId: null,
      priceCents: 10_000,
      serviceFeeCents: 550,
      totalCents: 10_550,
      sellerEarningsCents: 8_000,
      currency: 'USD',
      status: 'COMPLETED',
      dueAt: at.toISOString(),
      placedAt: new Date(at.getTime() - 86_400_000).toISOString(),
      actorId: order.buyerId,
      occurredAt: at.toISOString(),
      completedAt: at.toISOString(),
    },
    at,
    version,
  );
}

/**
 * The reviews subgraph behind a real gateway, on a database, exchange and queues of its own;
 * completed orders come from real `orders.order.completed` events, as in production.
 */
export class ReviewsKit {
  private constructor(
    readonly counter: ReturnType<typeof statementCounter>,
    readonly supergraph: TestSupergraph,
    readonly publisher: AmqpTransport,
    readonly db: pg.Pool,
    private readonly signer: InternalCredentialSigner,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<ReviewsKit> {
    const counter = statementCounter();
    const supergraph = await startTestSupergraph({
      reviews: (base) =>
        startReviewsService(parseReviewsConfig({ ...base, ...env }), { onQuery: counter.onQuery }),
    });
    const logger = createLogger({ service: 'reviews-test', level: testConfig.TEST_LOG_LEVEL });
    const publisher = new AmqpTransport({
      url: supergraph.events.amqpUrl,
      exchange: supergraph.events.exchange,
      queuePrefix: supergraph.events.queuePrefix,
      logger,
    });
    const database = supergraph.databases.reviews;
    if (!database) throw new Error('reviews has no database');
    const db = new pg.Pool({ connectionString: database.url, max: 2 });
    const signer = createInternalCredentialSigner({
      privateKeyPem: supergraph.keys.internal.privateKeyPem,
      ttlSeconds: 3600,
    });
    return new ReviewsKit(counter, supergraph, publisher, db, signer);
  }

  get client(): GraphQLClient {
    return this.supergraph.client;
  }

  async account(): Promise<TestAccount> {
    const id = randomUUID();
    const token = await signAccessToken(this.supergraph.keys, { userId: id });
    return { id, client: this.client.as({ token }) };
  }

  /** Publishes `orders.order.completed` for each order and waits until reviews has handled them. */
  async publishCompleted(envelopes: EventEnvelope<'orders.order.completed'>[]): Promise<void> {
    await this.publisher.publish(envelopes);
    const ids = [...new Set(envelopes.map((envelope) => envelope.id))];
    await eventually(
      async () => {
        const { rows } = await this.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM inbox_events
           WHERE consumer = 'reviews.orders' AND event_id = ANY($1::uuid[])`,
          [ids],
        );
        return rows[0]?.n === ids.length ? true : null;
      },
      { what: `${ids.length} completed orders in reviews` },
    );
  }

  /** A new order of a new buyer and seller (or the given ones), completed. */
  async completedOrder(
    parties: { buyer?: TestAccount; seller?: TestAccount; gigId?: string } = {},
  ): Promise<TestOrder> {
    const order = {
      orderId: randomUUID(),
      gigId: parties.gigId ?? randomUUID(),
      buyer: parties.buyer ?? (await this.account()),
      seller: parties.seller ?? (await this.account()),
    };
    await this.publishCompleted([
      orderCompleted({
        orderId: order.orderId,
        gigId: order.gigId,
        buyerId: order.buyer.id,
        sellerId: order.seller.id,
      }),
    ]);
    return order;
  }

  /** Runs an operation on the reviews subgraph directly, with a credential the gateway would sign. */
  async subgraphRequest<T>(query: string, variables: Record<string, unknown> = {}) {
    const reviews = this.supergraph.subgraphs.reviews;
    if (!reviews) throw new Error('reviews is not running');
    const credential = await this.signer.sign('reviews', {
      viewer: null,
      client: anonymousClient,
      requestId: randomUUID(),
    });
    const response = await fetch(reviews.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_CREDENTIAL_HEADER]: credential },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: GraphQLResponse<T>['errors'] };
    return { data: body.data ?? null, errors: body.errors ?? [] };
  }

  /** The outbox's events, oldest first. */
  async outbox(): Promise<{ type: string; payload: EventEnvelope; sent: boolean }[]> {
    const { rows } = await this.db.query<{ type: string; payload: EventEnvelope; sent: boolean }>(
      'SELECT type, payload, sent_at IS NOT NULL AS sent FROM outbox_events ORDER BY seq',
    );
    return rows;
  }

  async stop(): Promise<void> {
    await this.db.end();
    await this.publisher.close();
    await this.supergraph.stop();
  }
}

/** The error codes of a response. */
export function codes(response: GraphQLResponse<unknown>): unknown[] {
  return response.errors.map((error) => error.extensions?.['code']);
}

/** The fields a BAD_USER_INPUT error names. */
export function fields(response: GraphQLResponse<unknown>): unknown[] {
  return response.errors.map((error) => error.extensions?.['field']);
}
