import { EnvelopeError, parseEnvelope, type EventEnvelope } from './envelope.js';
import type { EventType } from './contracts.js';
import type { EventLogger } from './logger.js';
import type { EventTransport, Subscription } from './transport.js';

/**
 * A `broadcast` consumer of the topology list: this process's own queue of `types` (at most
 * once, no retries, no inbox: every process must see every event, so a shared inbox would hide
 * them from all but one), each event handed to `deliver` — live subscriptions across replicas.
 * Anything that is not a valid event of `types` is logged and dropped.
 */
export function createBroadcastConsumer<T extends EventType>(options: {
  name: string;
  types: readonly T[];
  transport: EventTransport;
  logger: EventLogger;
  deliver: (event: EventEnvelope<T>) => void;
}) {
  const { name, types, transport, logger, deliver } = options;
  const listed = types as readonly string[];
  let subscription: Subscription | null = null;
  return {
    name,
    async start() {
      subscription ??= await transport.consume(
        { queue: name, types: [...types], retryDelaysMs: [], delivery: 'broadcast' },
        async (raw) => {
          const event = parseEnvelope(raw);
          if (event instanceof EnvelopeError || !listed.includes(event.type)) {
            logger.warn({ reason: String(event) }, `${name}: not one of its events; dropped`);
            return 'ack';
          }
          deliver(event as EventEnvelope<T>);
          return 'ack';
        },
      );
    },
    async stop() {
      await subscription?.close();
      subscription = null;
    },
  };
}
