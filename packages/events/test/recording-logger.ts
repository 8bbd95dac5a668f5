import type { EventLogger } from '../src/index.js';

/** An EventLogger that keeps every entry, for tests that check what was logged. */
export class RecordingLogger implements EventLogger {
  readonly entries: { level: string; obj: object; msg: string | undefined }[] = [];
  debug(obj: object, msg?: string): void {
    this.entries.push({ level: 'debug', obj, msg });
  }
  info(obj: object, msg?: string): void {
    this.entries.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg?: string): void {
    this.entries.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg?: string): void {
    this.entries.push({ level: 'error', obj, msg });
  }
  at(level: string) {
    return this.entries.filter((entry) => entry.level === level);
  }
}
