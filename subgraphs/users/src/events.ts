import { EventConsumer, type EventLogger, type EventTransport } from '@jobber/events';
import { registerBuyer } from './profiles.js';
import type { UsersStore, UsersTransaction } from './store.js';

/**
 * What users consumes. It publishes `users.seller.created` / `users.seller.updated` through the
 * outbox (profiles.ts). Stats events (orders, reviews, gigs) get their handlers here later.
 */
export const ACCOUNTS_CONSUMER = 'users.accounts';

/** `users.accounts`: a buyer profile for every registered account. */
export function createAccountsConsumer(options: {
  store: UsersStore;
  transport: EventTransport;
  logger: EventLogger;
}): EventConsumer<UsersTransaction> {
  const { store } = options;
  return new EventConsumer({
    name: ACCOUNTS_CONSUMER,
    db: store.consumerDb,
    transport: options.transport,
    logger: options.logger,
    handlers: {
      'auth.user.registered': (event, tx) => registerBuyer(store.within(tx), event.data),
    },
  });
}
