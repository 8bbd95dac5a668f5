import {
  EventConsumer,
  gigCopyHandlers,
  type ListedConsumer,
  type ListedHandlers,
} from '@jobber/events';
import type { ConsumerDefaults, Logger } from '@jobber/service-kit';
import { participantsOf } from './records.js';
import type { ChatStore, ChatTransaction } from './store.js';

/**
 * What chat consumes (queues, through the inbox). It publishes chat.message.sent, chat.offer.*,
 * chat.conversation.read, chat.typing.started and chat.presence.changed through the outbox;
 * every chat process takes those back on its broadcast queue for its subscribers (live.ts).
 */
export const ACCOUNTS_CONSUMER = 'chat.accounts' satisfies ListedConsumer;
export const GIGS_CONSUMER = 'chat.gigs' satisfies ListedConsumer;
export const ORDERS_CONSUMER = 'chat.orders' satisfies ListedConsumer;

/** The name of the gig snapshot's compare-and-set versions (`event_snapshot_versions`). */
export const GIG_SNAPSHOT = 'chat.gigs';

/** `chat.accounts`: who can be messaged (every registered account). */
export function createAccountsConsumer(options: {
  store: ChatStore;
  consumerOptions: ConsumerDefaults;
}): EventConsumer<ChatTransaction> {
  const { store } = options;
  const handlers: ListedHandlers<typeof ACCOUNTS_CONSUMER, ChatTransaction> = {
    'auth.user.registered': async (event, tx) => {
      await store.within(tx).addAccount({
        id: event.data.userId,
        username: event.data.username,
        registeredAt: new Date(event.data.registeredAt),
      });
    },
  };
  return new EventConsumer({
    ...options.consumerOptions,
    name: ACCOUNTS_CONSUMER,
    db: store.consumerDb,
    handlers,
  });
}

/**
 * `chat.gigs`: each gig's seller and state, so `sendOffer` knows who may offer it. An event older
 * than the snapshot (a late redelivery) is skipped by the version compare-and-set.
 */
export function createGigsConsumer(options: {
  store: ChatStore;
  consumerOptions: ConsumerDefaults;
}): EventConsumer<ChatTransaction> {
  const { store } = options;
  const handlers: ListedHandlers<typeof GIGS_CONSUMER, ChatTransaction> = gigCopyHandlers(
    GIG_SNAPSHOT,
    {
      put: (gig, tx) =>
        store.within(tx).putGig({
          id: gig.gigId,
          sellerId: gig.sellerId,
          title: gig.title,
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

/**
 * `chat.orders`: an offer becomes ACCEPTED when orders announces the paid order made from it
 * (`orders.order.placed` with its `offerId`), never by a call; the change goes out as
 * `chat.offer.updated` like any other. A redelivery finds it ACCEPTED already and does nothing.
 */
export function createOrdersConsumer(options: {
  store: ChatStore;
  consumerOptions: ConsumerDefaults;
  logger: Logger;
}): EventConsumer<ChatTransaction> {
  const { store, logger } = options;
  const handlers: ListedHandlers<typeof ORDERS_CONSUMER, ChatTransaction> = {
    'orders.order.placed': async (event, tx) => {
      const { offerId } = event.data;
      if (!offerId) return;
      const bound = store.within(tx);
      const now = new Date(event.data.occurredAt);
      const accepted = await bound.markOfferAccepted(offerId, now);
      if (!accepted?.offer) {
        logger.info({ offerId }, 'chat: a paid order of an offer that is not open (kept as is)');
        return;
      }
      const [conversation] = await bound.conversationsByIds([accepted.conversationId]);
      if (!conversation) throw new Error(`offer ${offerId} has no conversation`);
      await bound.enqueue('chat.offer.updated', {
        offerId,
        conversationId: conversation.id,
        gigId: accepted.offer.gigId,
        sellerId: accepted.offer.sellerId,
        buyerId: accepted.offer.buyerId,
        participantIds: participantsOf(conversation),
        state: 'ACCEPTED',
        updatedAt: now.toISOString(),
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
