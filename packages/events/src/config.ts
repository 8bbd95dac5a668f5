import { z } from 'zod';

/** The environment of the `jobber-events` CLI, read here and nowhere else. */
const schema = z.object({
  AMQP_URL: z
    .string()
    .regex(/^amqps?:\/\//, 'expected an amqp:// or amqps:// URL')
    .default('amqp://guest:guest@127.0.0.1:5672'),
  EVENTS_EXCHANGE: z.string().min(1).default('jobber.events'),
  /** Prepended to consumer queue names, as the services do. */
  EVENTS_QUEUE_PREFIX: z.string().default(''),
});

export interface CliConfig {
  amqpUrl: string;
  exchange: string;
  queuePrefix: string;
}

export class CliConfigError extends Error {
  override readonly name = 'CliConfigError';
}

/** Validates the variables (empty counts as unset); the error names each bad variable. */
export function parseCliConfig(source: Readonly<Record<string, string | undefined>>): CliConfig {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([key, value]) => key in schema.shape && value !== ''),
  );
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new CliConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n'),
    );
  }
  return {
    amqpUrl: result.data.AMQP_URL,
    exchange: result.data.EVENTS_EXCHANGE,
    queuePrefix: result.data.EVENTS_QUEUE_PREFIX,
  };
}

export function loadCliConfig(): CliConfig {
  return parseCliConfig(process.env);
}
