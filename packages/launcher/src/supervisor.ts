import type { ChildProcess } from 'node:child_process';
import { hasExited, startProcess, stopProcess, waitUntilReady } from './processes.js';

/** When a crashed service is started again, and when the launcher gives up on it. */
export interface RestartPolicy {
  /** The wait before restarting after a crash; doubled for each further rapid crash. */
  initialDelayMs: number;
  /** The longest wait between restarts. */
  maxDelayMs: number;
  /** A process that ran at least this long was healthy: its crash is not rapid, and the next
   * restart waits `initialDelayMs` again. */
  stableAfterMs: number;
  /** Give up (and stop everything) after this many rapid crashes in a row. */
  maxRapidCrashes: number;
}

/** 0.5 s, 1 s, 2 s, 4 s, then give up on the fifth crash in a row within 30 s of starting. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  stableAfterMs: 30_000,
  maxRapidCrashes: 5,
};

export interface ServiceSpec {
  name: string;
  /** The TypeScript entry point (run through tsx). */
  entry: string;
  env: Record<string, string | undefined>;
  /** Answers 200 once the service can serve. */
  readyUrl: string;
}

export interface SupervisorOptions {
  policy?: RestartPolicy;
  /** Called once when the service kept crashing and will not be restarted again. */
  onGiveUp(name: string): void;
  log?(line: string): void;
  logError?(line: string): void;
}

/**
 * One service process, restarted with back-off when it crashes after its first start. The first
 * start is not retried (a broken configuration fails `npm start` at once); `stop()` ends
 * supervision, cancels a pending restart and stops the current process, also one still starting.
 */
export class SupervisedService {
  readonly name: string;
  readonly #spec: ServiceSpec;
  readonly #policy: RestartPolicy;
  readonly #options: SupervisorOptions;
  #child: ChildProcess | undefined;
  #startedAt = 0;
  #supervising = false;
  #stopping = false;
  #rapidCrashes = 0;
  #restartTimer: NodeJS.Timeout | undefined;

  constructor(spec: ServiceSpec, options: SupervisorOptions) {
    this.name = spec.name;
    this.#spec = spec;
    this.#policy = options.policy ?? DEFAULT_RESTART_POLICY;
    this.#options = options;
  }

  /** Starts the process and waits until it is ready; from then on a crash restarts it. */
  async start(timeoutMs?: number): Promise<void> {
    const child = this.#spawn();
    await waitUntilReady(this.name, this.#spec.readyUrl, child, timeoutMs);
    this.#supervising = !this.#stopping;
    // An exit between the last readiness answer and now was not supervised yet.
    if (hasExited(child)) this.#exited(child, child.exitCode, child.signalCode);
  }

  /** Stops for good: no restart from now on, and the current process (if any) is stopped. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#supervising = false;
    clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    if (this.#child) await stopProcess(this.#child, this.name, this.#logError);
  }

  /** The process id of the current process, if one runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  #spawn(): ChildProcess {
    const child = startProcess(this.name, this.#spec.entry, this.#spec.env);
    this.#child = child;
    this.#startedAt = Date.now();
    this.#log(`${this.name}: started (pid ${child.pid ?? '?'})`);
    child.once('exit', (code, signal) => this.#exited(child, code, signal));
    return child;
  }

  #exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.#child || this.#stopping || !this.#supervising) return;
    const how = signal === null ? `code ${code}` : signal;
    const uptimeMs = Date.now() - this.#startedAt;
    const { initialDelayMs, maxDelayMs, stableAfterMs, maxRapidCrashes } = this.#policy;
    this.#rapidCrashes = uptimeMs < stableAfterMs ? this.#rapidCrashes + 1 : 0;
    if (this.#rapidCrashes >= maxRapidCrashes) {
      this.#supervising = false;
      this.#logError(
        `${this.name} exited (${how}) and has crashed ${this.#rapidCrashes} times in a row, each within ${seconds(stableAfterMs)} of starting: giving up, stopping everything`,
      );
      this.#options.onGiveUp(this.name);
      return;
    }
    const delayMs = Math.min(initialDelayMs * 2 ** Math.max(this.#rapidCrashes - 1, 0), maxDelayMs);
    this.#logError(
      `${this.name} exited (${how}) after ${seconds(uptimeMs)}: restarting in ${seconds(delayMs)}`,
    );
    this.#restartTimer = setTimeout(() => this.#restart(), delayMs);
  }

  #restart(): void {
    this.#restartTimer = undefined;
    if (this.#stopping) return;
    const child = this.#spawn();
    waitUntilReady(this.name, this.#spec.readyUrl, child).then(
      () => {
        if (child === this.#child && !this.#stopping) this.#log(`${this.name}: ready again`);
      },
      (error: unknown) => {
        // An exit is handled by #exited; only a process that runs but never gets ready is news.
        if (child.exitCode === null && child.signalCode === null && !this.#stopping) {
          this.#logError(error instanceof Error ? error.message : String(error));
        }
      },
    );
  }

  #log = (line: string): void => (this.#options.log ?? console.log)(line);
  #logError = (line: string): void => (this.#options.logError ?? console.error)(line);
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
