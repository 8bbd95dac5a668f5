import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { AmqpTransport, createEnvelope, type EventEnvelope } from '@jobber/events';
import { createLogger } from '@jobber/service-kit';
import { eventually, testConfig, type TestSupergraph } from '@jobber/test-kit';

/** An order of a gig between two members, completed as far as reviews knows. */
export interface CompletedOrder {
  orderId: string;
  gigId: string;
  buyerId: string;
  sellerId: string;
}

/** `orders.order.completed` as orders publishes it (only ids and times matter to reviews). */
export function orderCompleted(order: CompletedOrder, at = new Date()) {
  return createEnvelope(
    'orders',
    'orders.order.completed',
    {
      ...order,
      orderNumber: `JB-${randomBytes(3).toString('hex').toUpperCase()}`,
      gigTitle: 'I will design a logo',
      offerId: null,
      priceCents: 5_000,
      serviceFeeCents: 475,
      totalCents: 5_475,
      sellerEarningsCents: 4_000,
      currency: 'USD',
      status: 'COMPLETED',
      dueAt: at.toISOString(),
      placedAt: new Date(at.getTime() - 86_400_000).toISOString(),
      actorId: order.buyerId,
      occurredAt: at.toISOString(),
      completedAt: at.toISOString(),
    },
    at,
    5,
  );
}

/**
 * What the reviews tests through the gateway need beside it: reviews' database and a publisher
 * of orders' events (reviews learns completed orders from `orders.order.completed` only, so the
 * test publishes one as orders would), and a way to deliver reviews' own events again.
 */
export class ReviewsWorld {
  private constructor(
    readonly db: pg.Pool,
    readonly publisher: AmqpTransport,
  ) {}

  static open(supergraph: TestSupergraph): ReviewsWorld {
    const database = supergraph.databases.reviews;
    if (!database) throw new Error('the reviews tests need the reviews subgraph');
    const publisher = new AmqpTransport({
      url: supergraph.events.amqpUrl,
      exchange: supergraph.events.exchange,
      queuePrefix: supergraph.events.queuePrefix,
      logger: createLogger({ service: 'reviews-test', level: testConfig.TEST_LOG_LEVEL }),
    });
    return new ReviewsWorld(new pg.Pool({ connectionString: database.url, max: 2 }), publisher);
  }

  /** Publishes `orders.order.completed` and waits until reviews knows the order. */
  async completeOrder(order: Omit<CompletedOrder, 'orderId'>): Promise<CompletedOrder> {
    const completed = { orderId: randomUUID(), ...order };
    await this.publisher.publish([orderCompleted(completed)]);
    await eventually(
      async () =>
        (
          await this.db.query('SELECT 1 FROM completed_orders WHERE order_id = $1', [
            completed.orderId,
          ])
        ).rowCount === 1,
      { what: `order ${completed.orderId} completed in reviews`, timeoutMs: 30_000 },
    );
    return completed;
  }

  /** Reviews' published events (as the relay sent them), oldest first. */
  async publishedEvents(): Promise<EventEnvelope[]> {
    const { rows } = await this.db.query<{ payload: EventEnvelope }>(
      'SELECT payload FROM outbox_events WHERE sent_at IS NOT NULL ORDER BY seq',
    );
    return rows.map((row) => row.payload);
  }

  async close(): Promise<void> {
    await this.db.end();
    await this.publisher.close();
  }
}
