import type { EventType } from './contracts.js';
import type { EventEnvelope } from './envelope.js';

/**
 * How a consumer receives events:
 * - `queue`: one durable (quorum) queue per consumer name, shared by every process running
 *   it (each event handled by one of them), with retries, dead letters and the inbox;
 * - `broadcast`: every process gets its own exclusive, auto-deleted queue, so each process
 *   sees every event of the types while it is connected (at most once, no retries): live
 *   subscriptions across replicas.
 */
export type DeliveryMode = 'queue' | 'broadcast';

export interface ConsumerTopologyEntry {
  /** `<subgraph>.<purpose>`: the queue name (before the transport's prefix) and the inbox key. */
  name: string;
  types: readonly EventType[];
  delivery: DeliveryMode;
  /** Redeliveries (lost connections, crashes) before the broker dead-letters a message. */
  deliveryLimit?: number;
}

export type ConsumerTopology = readonly ConsumerTopologyEntry[];

/** Redeliveries of one message before the broker moves it to the dead-letter queue. */
export const defaultDeliveryLimit = 20;

/**
 * Every consumer of the system, in one place. Each process that opens a transport declares the
 * `queue` consumers' queues and bindings from this list, so an event published before its
 * consumer was ever deployed waits in the consumer's queue. Add a consumer here first.
 */
export const consumerTopology = [
  { name: 'users.accounts', types: ['auth.user.registered'], delivery: 'queue' },
  {
    name: 'users.gig-counts',
    types: ['gigs.gig.published', 'gigs.gig.updated', 'gigs.gig.deleted'],
    delivery: 'queue',
  },
  {
    name: 'gigs.sellers',
    types: ['users.seller.created', 'users.seller.updated'],
    delivery: 'queue',
  },
  { name: 'gigs.ratings', types: ['reviews.review.created'], delivery: 'queue' },
  {
    name: 'gigs.search-index',
    types: ['gigs.gig.published', 'gigs.gig.updated', 'gigs.gig.deleted'],
    delivery: 'queue',
  },
  // Every gateway process keeps its own set of revoked sessions (gateway/src/revoked-sessions.ts).
  { name: 'gateway.revoked-sessions', types: ['auth.sessions.revoked'], delivery: 'broadcast' },
  { name: 'chat.accounts', types: ['auth.user.registered'], delivery: 'queue' },
  {
    name: 'chat.gigs',
    types: ['gigs.gig.published', 'gigs.gig.updated', 'gigs.gig.deleted'],
    delivery: 'queue',
  },
  // Every chat process delivers chat's live events to its own subscribers (subgraphs/chat/src/live.ts).
  {
    name: 'chat.live',
    types: [
      'chat.message.sent',
      'chat.offer.sent',
      'chat.offer.updated',
      'chat.conversation.read',
      'chat.typing.started',
      'chat.presence.changed',
    ],
    delivery: 'broadcast',
  },
  { name: 'reviews.orders', types: ['orders.order.completed'], delivery: 'queue' },
  { name: 'users.ratings', types: ['reviews.review.created'], delivery: 'queue' },
  {
    name: 'orders.gigs',
    types: ['gigs.gig.published', 'gigs.gig.updated', 'gigs.gig.deleted'],
    delivery: 'queue',
  },
  { name: 'orders.offers', types: ['chat.offer.sent', 'chat.offer.updated'], delivery: 'queue' },
  // Buyer purchases and seller stats (ongoing, completed, cancelled, earnings).
  {
    name: 'users.orders',
    types: [
      'orders.order.placed',
      'orders.order.started',
      'orders.order.delivered',
      'orders.order.completed',
      'orders.order.cancelled',
    ],
    delivery: 'queue',
  },
  // An offer becomes ACCEPTED when its order is placed (paid).
  { name: 'chat.orders', types: ['orders.order.placed'], delivery: 'queue' },
  // Notifications: each consumer turns events into emails and in-app notifications
  // (subgraphs/notifications/src/events.ts).
  {
    name: 'notifications.recipients',
    types: ['auth.user.registered', 'users.seller.created', 'users.seller.updated'],
    delivery: 'queue',
  },
  {
    name: 'notifications.accounts',
    types: [
      'auth.sign_up.confirmation_requested',
      'auth.sign_up.existing_email',
      'auth.sign_in.code_requested',
      'auth.sign_in.locked',
      'auth.password.reset_requested',
      'auth.password.changed',
    ],
    delivery: 'queue',
  },
  {
    name: 'notifications.orders',
    types: [
      'orders.order.placed',
      'orders.order.started',
      'orders.order.delivered',
      'orders.order.completed',
      'orders.order.cancelled',
      'orders.extension.requested',
      'orders.extension.decided',
    ],
    delivery: 'queue',
  },
  {
    name: 'notifications.activity',
    types: [
      'chat.message.sent',
      'chat.offer.sent',
      'chat.presence.changed',
      'reviews.review.created',
    ],
    delivery: 'queue',
  },
  // Every notifications process delivers new in-app notifications to its own subscribers.
  {
    name: 'notifications.live',
    types: ['notifications.notification.created'],
    delivery: 'broadcast',
  },
] as const satisfies ConsumerTopology;

/** A consumer name in the list. */
export type ListedConsumer = (typeof consumerTopology)[number]['name'];

/** The event types the list gives consumer `N`. */
export type ListedTypes<N extends ListedConsumer> = Extract<
  (typeof consumerTopology)[number],
  { name: N }
>['types'][number];

/**
 * Exactly one handler for each type the list gives consumer `N` (a missing or extra type fails
 * to compile); assignable to `EventConsumer`'s `handlers`.
 */
export type ListedHandlers<N extends ListedConsumer, Tx> = {
  [T in ListedTypes<N>]: (event: EventEnvelope<T>, tx: Tx) => Promise<void>;
};

/** A consumer that is not in the topology list, or whose types or mode differ from it. */
export class TopologyMismatchError extends Error {
  override readonly name = 'TopologyMismatchError';
}

export function findTopologyEntry(
  topology: ConsumerTopology,
  name: string,
): ConsumerTopologyEntry | undefined {
  return topology.find((entry) => entry.name === name);
}

/**
 * Throws TopologyMismatchError unless `name` is in the list with exactly these event types
 * (and this delivery mode, when given). Returns the entry.
 */
export function assertConsumerMatchesTopology(
  name: string,
  types: readonly string[],
  delivery?: DeliveryMode,
  topology: ConsumerTopology = consumerTopology,
): ConsumerTopologyEntry {
  const entry = findTopologyEntry(topology, name);
  if (!entry) {
    throw new TopologyMismatchError(
      `consumer "${name}" is not in the topology list (packages/events/src/topology.ts): add it there`,
    );
  }
  const listed = new Set<string>(entry.types);
  const handled = new Set(types);
  const missing = [...listed].filter((type) => !handled.has(type));
  const extra = [...handled].filter((type) => !listed.has(type));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      missing.length > 0 ? `listed but not handled: ${missing.join(', ')}` : '',
      extra.length > 0 ? `handled but not listed: ${extra.join(', ')}` : '',
    ].filter(Boolean);
    throw new TopologyMismatchError(
      `consumer "${name}" disagrees with the topology list (${parts.join('; ')}): ` +
        'change its handlers or its entry in packages/events/src/topology.ts',
    );
  }
  if (delivery !== undefined && delivery !== entry.delivery) {
    throw new TopologyMismatchError(
      `consumer "${name}" asks for ${delivery} delivery but the topology list says ${entry.delivery}`,
    );
  }
  return entry;
}
