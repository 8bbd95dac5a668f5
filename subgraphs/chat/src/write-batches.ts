/**
 * Group commit: items added while a batch is being written go into the next one, so a burst
 * (a thousand subscribes, or a thousand streams ending with one gateway) costs a few
 * transactions instead of one each. `write` gets up to `max` items and settles them all: each
 * add resolves with what `write` returned for its item, or rejects with the batch's error.
 */
export class WriteBatches<I, R> {
  private readonly queued: { item: I; resolve: (r: R) => void; reject: (e: unknown) => void }[] =
    [];
  private writing: Promise<void> | null = null;

  constructor(
    private readonly write: (items: readonly I[]) => Promise<(item: I) => R>,
    private readonly max: number,
  ) {}

  add(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    // The items of this moment join the first batch (a burst arrives over a few ticks).
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queued.length > 0) {
      const batch = this.queued.splice(0, this.max);
      try {
        const resultOf = await this.write(batch.map((entry) => entry.item));
        for (const entry of batch) entry.resolve(resultOf(entry.item));
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.writing = null;
  }
}
