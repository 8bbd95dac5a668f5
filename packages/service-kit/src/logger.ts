import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** JSON logs, one logger per process; request handlers use `logger.child({ requestId })`. */
export function createLogger(options: { service: string; level: LevelWithSilent }): Logger {
  return pino({
    name: options.service,
    level: options.level,
    base: { service: options.service },
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-jobber-internal"]', '*.password'],
      censor: '[redacted]',
    },
  });
}
