/** Where the seed writes its lines (stdout; tests pass their own). */
export interface Output {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * A progress bar per step: on a terminal one line, redrawn in place (at most every 100 ms);
 * elsewhere (CI, a pipe) plain lines at the start, every quarter and the end.
 */
export class Progress {
  constructor(private readonly out: Output) {}

  line(text: string): void {
    this.out.write(`${text}\n`);
  }

  start(step: string, total: number): StepProgress {
    return new StepProgress(this.out, step, total);
  }
}

export class StepProgress {
  private done = 0;
  private lastDraw = 0;
  private nextQuarter = 1;
  private readonly started = performance.now();

  constructor(
    private readonly out: Output,
    private readonly step: string,
    private readonly total: number,
  ) {
    if (out.isTTY) this.draw();
    else out.write(`${step}: 0/${total}\n`);
  }

  tick(count = 1): void {
    this.done += count;
    if (this.out.isTTY) {
      const now = performance.now();
      if (now - this.lastDraw >= 100 || this.done === this.total) this.draw();
      return;
    }
    while (
      this.total > 0 &&
      this.nextQuarter < 4 &&
      this.done >= (this.total * this.nextQuarter) / 4
    ) {
      this.out.write(`${this.step}: ${this.done}/${this.total} (${this.seconds()} s)\n`);
      this.nextQuarter++;
    }
  }

  /** Ends the step's line with what it made. */
  finish(summary: string): void {
    const text = `${this.step}: ${summary} in ${this.seconds()} s`;
    this.out.write(this.out.isTTY ? `\r\x1b[2K${text}\n` : `${text}\n`);
  }

  private seconds(): string {
    return ((performance.now() - this.started) / 1000).toFixed(1);
  }

  private draw(): void {
    this.lastDraw = performance.now();
    const width = 30;
    const filled = this.total ? Math.round((this.done / this.total) * width) : width;
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    this.out.write(
      `\r\x1b[2K${this.step.padEnd(14)} ${bar} ${this.done}/${this.total} ${this.seconds()} s`,
    );
  }
}
