import type { EventEnvelope } from './envelope.js';
import { errorMessage, type EventLogger } from './logger.js';
import { defaultMaxMessageBytes, encodeForPublish, type PublishResult } from './publish-result.js';
import {
  defaultPrefetch,
  nextRetryDelay,
  type ConsumeSpec,
  type DeliveryOutcome,
  type EventTransport,
  type MessageHandler,
  type Subscription,
} from './transport.js';
import {
  assertConsumerMatchesTopology,
  consumerTopology,
  findTopologyEntry,
  type ConsumerTopology,
} from './topology.js';

/** A message that ended in a queue's dead-letter list. */
export interface DeadLetter {
  queue: string;
  /** The body as it was published (parsed JSON, or the raw text if it was not JSON). */
  body: unknown;
  attempt: number;
  reason: 'rejected' | 'retries-exhausted';
}

interface Delivery {
  text: string;
  attempt: number;
}

interface Subscriber {
  spec: ConsumeSpec;
  onMessage: MessageHandler;
  inFlight: number;
  closing: boolean;
  idleWaiters: (() => void)[];
}

interface QueueState {
  name: string;
  bindings: Set<string>;
  ready: Delivery[];
  subscriber: Subscriber | null;
  /** A broadcast subscription's own queue: removed when the subscription closes. */
  broadcast: boolean;
}

export interface InProcessTransportOptions {
  logger?: EventLogger;
  /** Consumer queues that exist (and collect events) from the start. Default `consumerTopology`. */
  topology?: ConsumerTopology;
  /** Larger bodies are reported as permanent failures (default 1 MiB, as AMQP). */
  maxMessageBytes?: number;
}

/** How many unroutable events `unroutable` keeps (the oldest go first); `unroutableCount` counts all. */
const unroutableKept = 1000;

/**
 * EventTransport in memory with the AMQP transport's semantics: routing by event type to
 * every queue bound to it (the topology list's queues exist from the start; queues and their
 * messages outlive a closed subscription), prefetch, retries after the given delays, then the
 * `deadLetters` list; events no queue is bound to go to `unroutable`. A broadcast consumer gets
 * a queue of its own per subscription. Messages are serialised to JSON on publish, like on the
 * wire. Nothing survives the process: the embedded mode's trade-off.
 */
export class InProcessTransport implements EventTransport {
  /** Dead-lettered messages of every queue, oldest first. */
  readonly deadLetters: DeadLetter[] = [];
  /** Bodies of the last events no queue was bound to (AMQP keeps them in `<exchange>.unroutable`). */
  readonly unroutable: unknown[] = [];
  /** Every event no queue was bound to. */
  unroutableCount = 0;
  private readonly queues = new Map<string, QueueState>();
  private readonly broadcasts = new Set<QueueState>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly logger: EventLogger | undefined;
  private readonly topology: ConsumerTopology;
  private readonly maxMessageBytes: number;
  private closed = false;

  constructor(options: InProcessTransportOptions = {}) {
    this.logger = options.logger;
    this.topology = options.topology ?? consumerTopology;
    this.maxMessageBytes = options.maxMessageBytes ?? defaultMaxMessageBytes;
    for (const entry of this.topology) {
      if (entry.delivery !== 'queue') continue;
      const queue = this.queueNamed(entry.name);
      for (const type of entry.types) queue.bindings.add(type);
    }
  }

  async publish(envelopes: EventEnvelope[]): Promise<PublishResult> {
    this.assertOpen();
    const { bodies, failed } = encodeForPublish(envelopes, this.maxMessageBytes);
    for (const { envelope, body } of bodies) this.route(envelope.type, body.toString('utf8'));
    return { failed };
  }

  /** Routes an arbitrary body (a string is sent as is, anything else as JSON). For tests. */
  publishRaw(routingKey: string, body: unknown): void {
    this.assertOpen();
    this.route(routingKey, typeof body === 'string' ? body : JSON.stringify(body));
  }

  async consume(spec: ConsumeSpec, onMessage: MessageHandler): Promise<Subscription> {
    this.assertOpen();
    const listed = findTopologyEntry(this.topology, spec.queue);
    if (listed) assertConsumerMatchesTopology(spec.queue, spec.types, spec.delivery, this.topology);
    const broadcast = (listed?.delivery ?? spec.delivery) === 'broadcast';
    const queue: QueueState = broadcast
      ? { name: spec.queue, bindings: new Set(), ready: [], subscriber: null, broadcast }
      : this.queueNamed(spec.queue);
    if (broadcast) this.broadcasts.add(queue);
    if (queue.subscriber) throw new Error(`queue ${spec.queue} already has a consumer`);
    for (const type of spec.types) queue.bindings.add(type);
    const subscriber: Subscriber = {
      spec,
      onMessage,
      inFlight: 0,
      closing: false,
      idleWaiters: [],
    };
    queue.subscriber = subscriber;
    this.pump(queue);
    return { close: () => this.unsubscribe(queue, subscriber) };
  }

  /** Messages waiting in a queue (not in flight, not waiting for a retry). */
  pendingCount(queue: string): number {
    return this.queues.get(queue)?.ready.length ?? 0;
  }

  async ready(): Promise<void> {
    if (this.closed) throw new Error('in-process transport is closed');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(
      [...this.queues.values(), ...this.broadcasts].map((queue) =>
        queue.subscriber ? this.unsubscribe(queue, queue.subscriber) : undefined,
      ),
    );
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('in-process transport is closed');
  }

  private queueNamed(name: string): QueueState {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = { name, bindings: new Set(), ready: [], subscriber: null, broadcast: false };
      this.queues.set(name, queue);
    }
    return queue;
  }

  private route(routingKey: string, text: string): void {
    let routed = false;
    for (const queue of [...this.queues.values(), ...this.broadcasts]) {
      if (!queue.bindings.has(routingKey)) continue;
      routed = true;
      queue.ready.push({ text, attempt: 1 });
      this.pump(queue);
    }
    if (!routed) {
      this.unroutableCount += 1;
      this.unroutable.push(parseBody(text));
      if (this.unroutable.length > unroutableKept) this.unroutable.shift();
    }
  }

  private pump(queue: QueueState): void {
    const subscriber = queue.subscriber;
    if (!subscriber || subscriber.closing || this.closed) return;
    const prefetch = subscriber.spec.prefetch ?? defaultPrefetch;
    while (subscriber.inFlight < prefetch) {
      const delivery = queue.ready.shift();
      if (!delivery) return;
      subscriber.inFlight += 1;
      void this.deliver(queue, subscriber, delivery);
    }
  }

  private async deliver(queue: QueueState, subscriber: Subscriber, delivery: Delivery) {
    try {
      await Promise.resolve(); // never run a handler inside publish()
      let raw: unknown;
      try {
        raw = JSON.parse(delivery.text);
      } catch {
        raw = delivery.text;
      }
      let outcome: DeliveryOutcome;
      try {
        outcome = await subscriber.onMessage(raw, { attempt: delivery.attempt });
      } catch (err) {
        this.logger?.warn(
          { queue: queue.name, err: errorMessage(err) },
          'in-process: handler threw',
        );
        outcome = 'retry';
      }
      if (queue.broadcast) {
        if (outcome !== 'ack') {
          this.logger?.warn(
            { queue: queue.name, outcome },
            'in-process: broadcast delivery failed; dropped',
          );
        }
      } else if (outcome === 'retry') {
        const delay = nextRetryDelay(subscriber.spec.retryDelaysMs, delivery.attempt);
        if (delay === null) this.deadLetter(queue, delivery, 'retries-exhausted');
        else this.retryLater(queue, { text: delivery.text, attempt: delivery.attempt + 1 }, delay);
      } else if (outcome === 'dead') {
        this.deadLetter(queue, delivery, 'rejected');
      }
    } finally {
      subscriber.inFlight -= 1;
      if (subscriber.inFlight === 0) {
        for (const wake of subscriber.idleWaiters.splice(0)) wake();
      }
      this.pump(queue);
    }
  }

  private retryLater(queue: QueueState, delivery: Delivery, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      queue.ready.push(delivery);
      this.pump(queue);
    }, delayMs);
    this.timers.add(timer);
  }

  private deadLetter(queue: QueueState, delivery: Delivery, reason: DeadLetter['reason']): void {
    const body = parseBody(delivery.text);
    this.deadLetters.push({ queue: queue.name, body, attempt: delivery.attempt, reason });
  }

  private async unsubscribe(queue: QueueState, subscriber: Subscriber): Promise<void> {
    if (subscriber.closing) return;
    subscriber.closing = true;
    if (subscriber.inFlight > 0) {
      await new Promise<void>((resolve) => subscriber.idleWaiters.push(resolve));
    }
    if (queue.subscriber === subscriber) queue.subscriber = null;
    if (queue.broadcast) this.broadcasts.delete(queue);
  }
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
