import { EventConsumer, type ListedConsumer, type ListedHandlers } from '@jobber/events';
import type { ConsumerDefaults } from '@jobber/service-kit';
import type { ReviewsStore, ReviewsTransaction } from './store.js';

/**
 * What reviews consumes (a queue, through the inbox). It publishes reviews.review.created and
 * reviews.review.replied through the outbox (reviews.ts).
 */
export const ORDERS_CONSUMER = 'reviews.orders' satisfies ListedConsumer;

/**
 * `reviews.orders`: orders.order.completed → the order becomes reviewable by its buyer and
 * seller. Reviews knows an order is completed from this event only; a repeat is a no-op.
 */
export function createOrdersConsumer(options: {
  store: ReviewsStore;
  consumerOptions: ConsumerDefaults;
}): EventConsumer<ReviewsTransaction> {
  const { store } = options;
  const handlers: ListedHandlers<typeof ORDERS_CONSUMER, ReviewsTransaction> = {
    'orders.order.completed': async (event, tx) => {
      const { orderId, gigId, buyerId, sellerId, completedAt } = event.data;
      await store.within(tx).addCompletedOrder({
        orderId,
        gigId,
        buyerId,
        sellerId,
        completedAt: new Date(completedAt),
      });
    },
  };
  return new EventConsumer({
    ...options.consumerOptions,
    name: ORDERS_CONSUMER,
    db: store.consumerDb,
    handlers,
  });
}
