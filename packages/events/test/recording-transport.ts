import type { EventEnvelope, EventTransport, PublishResult, Subscription } from '../src/index.js';

/**
 * A publish-only EventTransport that records what it was given; `failNext` makes the next
 * publishes reject, `refuse` reports the given ids as refused (each time, as a nacking broker
 * would) and `hold` keeps one pending until released. For relay tests.
 */
export class RecordingTransport implements EventTransport {
  readonly published: EventEnvelope[] = [];
  readonly batches: EventEnvelope[][] = [];
  publishCalls = 0;
  private failuresLeft = 0;
  private readonly refused = new Set<string>();

  refuse(...ids: string[]): void {
    for (const id of ids) this.refused.add(id);
  }
  private gate: Promise<void> | null = null;

  failNext(times: number): void {
    this.failuresLeft = times;
  }

  /** The next publish waits until the returned function is called. */
  hold(): () => void {
    let release = () => {};
    this.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    return release;
  }

  async ready(): Promise<void> {}

  async publish(envelopes: EventEnvelope[]): Promise<PublishResult> {
    this.publishCalls += 1;
    if (this.gate) {
      const gate = this.gate;
      this.gate = null;
      await gate;
    }
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('broker unreachable');
    }
    const accepted = envelopes.filter((envelope) => !this.refused.has(envelope.id));
    this.batches.push(accepted);
    this.published.push(...accepted);
    return {
      failed: envelopes
        .filter((envelope) => this.refused.has(envelope.id))
        .map((envelope) => ({ id: envelope.id, error: 'refused by the broker', permanent: false })),
    };
  }

  async consume(): Promise<Subscription> {
    throw new Error('RecordingTransport only publishes');
  }

  async close(): Promise<void> {}
}
