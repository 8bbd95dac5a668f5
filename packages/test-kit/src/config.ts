import { z } from 'zod';

// Read at vitest's config time too (broker-gate.ts), where workspace packages cannot be
// imported: zod only, no @jobber/* import here.

/** `1`/`true` or `0`/`false`, off when unset. */
const flag = z
  .enum(['1', '0', 'true', 'false'])
  .default('0')
  .transform((value) => value === '1' || value === 'true');

const schema = z.object({
  TEST_POSTGRES_URL: z.string().default('postgresql://postgres@127.0.0.1:5432/postgres'),
  TEST_AMQP_URL: z.string().default('amqp://guest:guest@127.0.0.1:5672'),
  TEST_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('silent'),
  /** `1`: a RabbitMQ that is not reachable fails the run instead of skipping its tests (CI). */
  JOBBER_REQUIRE_BROKER: flag,
  /** The browser tests' Chromium (Debian's `chromium` package). */
  TEST_CHROMIUM_PATH: z.string().default('/usr/bin/chromium'),
  /** `1` (CI): a missing Chromium fails the browser tests instead of skipping them. */
  JOBBER_REQUIRE_BROWSER: flag,
  /**
   * An Elasticsearch node for the gigs search suite's Elasticsearch run (each file on aliases of
   * its own, deleted afterwards); unset, that run is skipped with the reason printed.
   */
  TEST_ELASTICSEARCH_URL: z.string().url().optional(),
});

function parse(source: Readonly<Record<string, string | undefined>>): z.infer<typeof schema> {
  const set = Object.fromEntries(Object.entries(source).filter(([, value]) => value));
  const result = schema.safeParse(set);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new Error(`Invalid test configuration:\n  - ${problems.join('\n  - ')}`);
}

/**
 * Where tests find the real services (shared/DESIGN.md §6); CI starts them if they are down.
 * When TEST_POSTGRES_URL is not reachable, the run's global set-up starts an embedded PostgreSQL
 * and points TEST_POSTGRES_URL at it for the test processes (global-setup.ts).
 */
export const testConfig = parse(process.env);

/** The global set-up's embedded PostgreSQL, for the test processes it starts after this call. */
export function useTestPostgres(url: string): void {
  process.env['TEST_POSTGRES_URL'] = url;
}

/** The environment to hand to a child process a test starts (PATH and the like, plus its own). */
export function childProcessEnv(own: Record<string, string>): Record<string, string | undefined> {
  return { ...process.env, ...own };
}

/** A URL fit for a message: any password replaced by `***`. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}
