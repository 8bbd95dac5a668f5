/**
 * What a start has brought up so far, stopped in reverse order: a start that fails halfway, or a
 * Ctrl-C during the start, stops exactly what is running.
 */
export class StopList {
  readonly #steps: (() => Promise<unknown>)[] = [];

  /** Adds a step; it runs before the steps added earlier. */
  add(step: () => Promise<unknown>): void {
    this.#steps.push(step);
  }

  /** Runs every step, last added first; a failing step does not keep the others from running. */
  async stopAll(logError: (line: string) => void = console.error): Promise<void> {
    for (const step of this.#steps.splice(0).reverse()) {
      await step().catch((error: unknown) =>
        logError(`stopping: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  }
}
