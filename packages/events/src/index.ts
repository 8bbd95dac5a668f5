export {
  aggregateOf,
  eventAggregates,
  eventContracts,
  eventTypes,
  isEventType,
  orderStatuses,
  type AggregateOf,
  type EventContracts,
  type EventData,
  type EventType,
} from './contracts.js';
export {
  createEnvelope,
  EnvelopeError,
  parseEnvelope,
  type EnvelopeErrorReason,
  type EventEnvelope,
} from './envelope.js';
export type { SqlClient, TransactionalSqlClient } from './sql-client.js';
export { eventTableNames, eventTablesSql } from './tables.js';
export type { EventLogger } from './logger.js';
export type { ConsumerOutcome, EventMetrics, OutboxBacklog } from './metrics.js';
export { enqueueEvent } from './outbox.js';
export { applyIfNewer } from './snapshot-versions.js';
export { gigCopyHandlers, type DeletedGig, type GigCopy, type PublishedGig } from './gig-copy.js';
export { backoffDelay, WakeableSleep } from './sleep.js';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
export { EventConsumer, type EventConsumerOptions, type EventHandlers } from './consumer.js';
export { createBroadcastConsumer } from './broadcast-consumer.js';
export {
  defaultMaxMessageBytes,
  type PublishFailure,
  type PublishResult,
} from './publish-result.js';
export type {
  ConsumeSpec,
  DeliveryMeta,
  DeliveryOutcome,
  EventTransport,
  MessageHandler,
  Subscription,
} from './transport.js';
export {
  AmqpTransport,
  attemptHeader,
  deadReasonHeader,
  TransportUnavailableError,
  type AmqpTransportOptions,
} from './amqp-transport.js';
export {
  deadLetterQueueName,
  defaultExchange,
  deleteTopology,
  retryQueueName,
  TopologyConflictError,
  unroutableName,
  type TopologyToDelete,
} from './amqp-topology.js';
export {
  InProcessTransport,
  type DeadLetter,
  type InProcessTransportOptions,
} from './in-process-transport.js';
export {
  assertConsumerMatchesTopology,
  consumerTopology,
  defaultDeliveryLimit,
  TopologyMismatchError,
  type ConsumerTopology,
  type ConsumerTopologyEntry,
  type DeliveryMode,
  type ListedConsumer,
  type ListedHandlers,
  type ListedTypes,
} from './topology.js';
export {
  deadLetterDepth,
  listDeadLetters,
  queueDepth,
  replayDeadLetters,
  type DeadLetterListing,
  type DeadLetterSummary,
  type ReplayTarget,
} from './queue-tools.js';
