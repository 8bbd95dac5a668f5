import { z } from 'zod';

/** Raised when the environment does not satisfy a service's schema; lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates an environment record against a zod object schema whose keys are variable names.
 * Every problem is reported at once, each naming its variable. Empty strings count as unset,
 * so `FOO=` falls back to the default like a missing variable.
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  source: Readonly<Record<string, string | undefined>>,
): z.infer<S> {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(root)';
      const missing = issue.code === 'invalid_type' && cleaned[name] === undefined;
      return `${name}: ${missing ? 'is required but not set' : issue.message}`;
    }),
  );
}

/** A service's admin port (health, readiness, metrics) defaults to its public port plus this. */
export const ADMIN_PORT_OFFSET = 5000;

const protocolOf = (value: string) => new URL(value).protocol.replace(/:$/, '');

/** Common variable types, so every service spells them the same way. */
export const envVar = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  host: (fallback = '127.0.0.1') => z.string().min(1).default(fallback),
  url: (protocols: string[]) =>
    z
      .string()
      .url()
      // Runs even when .url() failed (zod 4 does not stop at the first issue): never throw.
      .refine((value) => URL.canParse(value) && protocols.includes(protocolOf(value)), {
        message: `must be a ${protocols.join(' or ')} URL`,
      }),
  pem: (kind: 'PUBLIC KEY' | 'PRIVATE KEY') =>
    z
      .string()
      // Allow keys passed on one line with literal "\n", as .env files and CI secrets often do.
      .transform((value) => value.replace(/\\n/g, '\n').trim())
      .refine((value) => value.includes(`-----BEGIN ${kind}-----`), {
        message: `must be a PEM-encoded ${kind.toLowerCase()}`,
      }),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((value) => value === 'true' || value === '1'),
  list: () =>
    z
      .string()
      .default('')
      .transform((value) =>
        value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      ),
  /** A comma-separated list where unset means "no list" (undefined), not an empty one. */
  nameList: () =>
    z
      .string()
      .optional()
      .transform((value) =>
        value === undefined
          ? undefined
          : value
              .split(',')
              .map((item) => item.trim())
              .filter(Boolean),
      ),
  /** Unset means production: development features (introspection, landing page) are opt-in. */
  nodeEnv: () => z.enum(['development', 'test', 'production']).default('production'),
  logLevel: () =>
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

/** For main.ts: loads the configuration, or prints every problem and exits with status 1. */
export function loadConfigOrExit<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${service}: ${error.message}`);
    process.exit(1);
  }
}
