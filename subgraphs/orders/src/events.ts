import {
  EventConsumer,
  applyIfNewer,
  gigCopyHandlers,
  type ListedConsumer,
  type ListedHandlers,
} from '@jobber/events';
import type { ConsumerDefaults } from '@jobber/service-kit';
import type { OrdersStore, OrdersTransaction } from './store.js';

/**
 * What orders consumes (queues, through the inbox). It publishes orders.order.placed, started,
 * delivered, completed, cancelled and orders.extension.requested / decided through the outbox.
 */
export const GIGS_CONSUMER = 'orders.gigs' satisfies ListedConsumer;
export const OFFERS_CONSUMER = 'orders.offers' satisfies ListedConsumer;

/** Compare-and-set names of the snapshots (`event_snapshot_versions`). */
export const GIG_SNAPSHOT = 'orders.gigs';
export const OFFER_SNAPSHOT = 'orders.offers';

/** `orders.gigs`: each gig's seller, title, price, currency, delivery days and state. */
export function createGigsConsumer(options: {
  store: OrdersStore;
  consumerOptions: ConsumerDefaults;
}): EventConsumer<OrdersTransaction> {
  const { store } = options;
  const handlers: ListedHandlers<typeof GIGS_CONSUMER, OrdersTransaction> = gigCopyHandlers(
    GIG_SNAPSHOT,
    {
      put: (gig, tx) =>
        store.within(tx).putGig({
          id: gig.gigId,
          sellerId: gig.sellerId,
          title: gig.title,
          priceCents: gig.priceCents,
          currency: gig.currency,
          deliveryDays: gig.deliveryDays,
          active: gig.active,
          updatedAt: new Date(gig.updatedAt),
        }),
      remove: (gig, tx) =>
        store.within(tx).deleteGig({
          id: gig.gigId,
          sellerId: gig.sellerId,
          deletedAt: new Date(gig.deletedAt),
        }),
    },
  );
  return new EventConsumer({
    ...options.consumerOptions,
    name: GIGS_CONSUMER,
    db: store.consumerDb,
    handlers,
  });
}

/** `orders.offers`: chat's custom offers, so `acceptOffer` knows their buyer, price and state. */
export function createOffersConsumer(options: {
  store: OrdersStore;
  consumerOptions: ConsumerDefaults;
}): EventConsumer<OrdersTransaction> {
  const { store } = options;
  const handlers: ListedHandlers<typeof OFFERS_CONSUMER, OrdersTransaction> = {
    'chat.offer.sent': async (event, tx) => {
      if (!(await applyIfNewer(tx, OFFER_SNAPSHOT, event))) return;
      const { data } = event;
      await store.within(tx).putOffer({
        id: data.offerId,
        gigId: data.gigId,
        sellerId: data.sellerId,
        buyerId: data.buyerId,
        priceCents: data.priceCents,
        deliveryDays: data.deliveryDays,
        description: data.description,
        state: 'OPEN',
        expiresAt: new Date(data.expiresAt),
        updatedAt: new Date(data.sentAt),
      });
    },
    'chat.offer.updated': async (event, tx) => {
      if (!(await applyIfNewer(tx, OFFER_SNAPSHOT, event))) return;
      await store
        .within(tx)
        .setOfferState(event.data.offerId, event.data.state, new Date(event.data.updatedAt));
    },
  };
  return new EventConsumer({
    ...options.consumerOptions,
    name: OFFERS_CONSUMER,
    db: store.consumerDb,
    handlers,
  });
}
