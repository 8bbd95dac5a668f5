import { EventConsumer, type ListedConsumer, type ListedHandlers } from '@jobber/events';
import type { ConsumerDefaults } from '@jobber/service-kit';
import { registerBuyer } from './profiles.js';
import type { UsersStore, UsersTransaction } from './store.js';

/**
 * What users consumes. It publishes `users.seller.created` / `users.seller.updated` through the
 * outbox (profiles.ts). Stats events (orders, reviews, gigs) get their handlers here later.
 */
export const ACCOUNTS_CONSUMER = 'users.accounts' satisfies ListedConsumer;

/**
 * `users.accounts`: a buyer profile for every registered account. `consumerOptions` (the kit's:
 * transport, logger, metrics, concurrency sized to the pool) come from `wire`'s deps.
 */
export function createAccountsConsumer(options: {
  store: UsersStore;
  consumerOptions: ConsumerDefaults;
}): EventConsumer<UsersTransaction> {
  const { store } = options;
  // Exactly the types the topology list (packages/events/src/topology.ts) gives this consumer.
  const handlers: ListedHandlers<typeof ACCOUNTS_CONSUMER, UsersTransaction> = {
    'auth.user.registered': (event, tx) => registerBuyer(store.within(tx), event.data),
  };
  return new EventConsumer({
    ...options.consumerOptions,
    name: ACCOUNTS_CONSUMER,
    db: store.consumerDb,
    handlers,
  });
}
