import {
  EventConsumer,
  applyIfNewer,
  type ListedConsumer,
  type ListedHandlers,
  type TransactionalSqlClient,
} from '@jobber/events';
import type { ConsumerDefaults } from '@jobber/service-kit';
import type { Deliveries } from './deliveries.js';
import {
  accountNotice,
  messageNotice,
  offerNotice,
  orderNotices,
  reviewNotice,
} from './notices.js';
import type { NotificationsStore, NotificationsTransaction } from './store.js';

/**
 * What notifications consumes (queues, through the inbox: a redelivered event adds nothing).
 * It publishes `notifications.notification.created` through the outbox; every notifications
 * process takes it back on its broadcast queue for its subscribers (live.ts).
 */
export const RECIPIENTS_CONSUMER = 'notifications.recipients' satisfies ListedConsumer;
export const ACCOUNTS_CONSUMER = 'notifications.accounts' satisfies ListedConsumer;
export const ORDERS_CONSUMER = 'notifications.orders' satisfies ListedConsumer;
export const ACTIVITY_CONSUMER = 'notifications.activity' satisfies ListedConsumer;

/** The compare-and-set name of chat's presence snapshot (`event_snapshot_versions`). */
export const PRESENCE_SNAPSHOT = 'notifications.presence';

interface ConsumerDeps {
  store: NotificationsStore;
  deliveries: Deliveries;
  consumerOptions: ConsumerDefaults;
  /** Called after each handler's transaction commits: wakes the mail sender. */
  afterCommit: () => void;
}

/** The consumer's database: the store's, with `afterCommit` once each transaction commits. */
function consumerDb(deps: ConsumerDeps): TransactionalSqlClient<NotificationsTransaction> {
  const db = deps.store.consumerDb;
  return {
    $queryRawUnsafe: (query, ...values) => db.$queryRawUnsafe(query, ...values),
    $executeRawUnsafe: (query, ...values) => db.$executeRawUnsafe(query, ...values),
    $transaction: async (work, options) => {
      const result = await db.$transaction(work, options);
      deps.afterCommit();
      return result;
    },
  };
}

/** `notifications.recipients`: each account's address and name (never a call to auth or users). */
export function createRecipientsConsumer(
  deps: ConsumerDeps,
): EventConsumer<NotificationsTransaction> {
  const { store } = deps;
  const seller: ListedHandlers<
    typeof RECIPIENTS_CONSUMER,
    NotificationsTransaction
  >['users.seller.created'] = async (event, tx) => {
    const applied = await store.within(tx).putSellerName({
      userId: event.data.userId,
      fullName: event.data.fullName,
      version: event.version,
    });
    // Not applied: older than the name kept, or the account not known yet (then retry it).
    if (!applied && (await store.within(tx).recipientsByIds([event.data.userId])).length === 0) {
      throw new Error(`seller ${event.data.userId}: account not known yet`);
    }
  };
  const handlers: ListedHandlers<typeof RECIPIENTS_CONSUMER, NotificationsTransaction> = {
    'auth.user.registered': async (event, tx) => {
      await store.within(tx).putAccount({
        userId: event.data.userId,
        email: event.data.email.toLowerCase(),
        username: event.data.username,
        version: event.version,
      });
    },
    'users.seller.created': seller,
    'users.seller.updated': (event, tx) => seller({ ...event, type: 'users.seller.created' }, tx),
  };
  return new EventConsumer({
    ...deps.consumerOptions,
    name: RECIPIENTS_CONSUMER,
    db: consumerDb(deps),
    handlers,
  });
}

/** `notifications.accounts`: auth's account emails, always sent. */
export function createAccountsConsumer(
  deps: ConsumerDeps,
): EventConsumer<NotificationsTransaction> {
  const { store, deliveries } = deps;
  const mail = async (
    event: Parameters<typeof accountNotice>[0],
    tx: NotificationsTransaction,
  ): Promise<void> => deliveries.deliver(store.within(tx), event, [accountNotice(event)]);
  const handlers: ListedHandlers<typeof ACCOUNTS_CONSUMER, NotificationsTransaction> = {
    'auth.sign_up.confirmation_requested': mail,
    'auth.sign_up.existing_email': mail,
    'auth.sign_in.code_requested': mail,
    'auth.sign_in.locked': mail,
    'auth.password.reset_requested': mail,
    'auth.password.changed': mail,
  };
  return new EventConsumer({
    ...deps.consumerOptions,
    name: ACCOUNTS_CONSUMER,
    db: consumerDb(deps),
    handlers,
  });
}

/** `notifications.orders`: each step of an order to the buyer, the seller or both. */
export function createOrdersConsumer(deps: ConsumerDeps): EventConsumer<NotificationsTransaction> {
  const { store, deliveries } = deps;
  const notify = async (
    event: Parameters<typeof orderNotices>[0],
    tx: NotificationsTransaction,
  ): Promise<void> => deliveries.deliver(store.within(tx), event, orderNotices(event));
  const handlers: ListedHandlers<typeof ORDERS_CONSUMER, NotificationsTransaction> = {
    'orders.order.placed': notify,
    'orders.order.started': notify,
    'orders.order.delivered': notify,
    'orders.order.completed': notify,
    'orders.order.cancelled': notify,
    'orders.extension.requested': notify,
    'orders.extension.decided': notify,
  };
  return new EventConsumer({
    ...deps.consumerOptions,
    name: ORDERS_CONSUMER,
    db: consumerDb(deps),
    handlers,
  });
}

/**
 * `notifications.activity`: custom offers, reviews, and messages to a recipient who is offline
 * (chat's presence kept from `chat.presence.changed` on the same queue, so mostly in order).
 */
export function createActivityConsumer(
  deps: ConsumerDeps,
): EventConsumer<NotificationsTransaction> {
  const { store, deliveries } = deps;
  const handlers: ListedHandlers<typeof ACTIVITY_CONSUMER, NotificationsTransaction> = {
    'chat.presence.changed': async (event, tx) => {
      if (!(await applyIfNewer(tx, PRESENCE_SNAPSHOT, event))) return;
      await store.within(tx).putPresence({
        userId: event.data.userId,
        online: event.data.online,
        changedAt: new Date(event.data.changedAt),
      });
    },
    'chat.message.sent': async (event, tx) => {
      // An offer's message is told by chat.offer.sent; an online recipient sees it in chat.
      if (event.data.hasOffer) return;
      const bound = store.within(tx);
      if (await bound.isOnline(event.data.recipientId)) return;
      await deliveries.deliver(bound, event, [messageNotice(event)]);
    },
    'chat.offer.sent': (event, tx) =>
      deliveries.deliver(store.within(tx), event, [offerNotice(event)]),
    'reviews.review.created': (event, tx) =>
      deliveries.deliver(store.within(tx), event, [reviewNotice(event)]),
  };
  return new EventConsumer({
    ...deps.consumerOptions,
    name: ACTIVITY_CONSUMER,
    db: consumerDb(deps),
    handlers,
  });
}
