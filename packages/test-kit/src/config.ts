import { z } from 'zod';
import { envVar, parseEnv } from '@jobber/service-kit';

/** Where tests find the real services (shared/DESIGN.md §6); CI starts them if they are down. */
export const testConfig = parseEnv(
  z.object({
    TEST_POSTGRES_URL: z.string().default('postgresql://postgres@127.0.0.1:5432/postgres'),
    TEST_AMQP_URL: z.string().default('amqp://guest:guest@127.0.0.1:5672'),
    TEST_LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('silent'),
    /** The browser tests' Chromium (Debian's `chromium` package). */
    TEST_CHROMIUM_PATH: z.string().default('/usr/bin/chromium'),
    /** 1 (CI): a missing Chromium fails the browser tests instead of skipping them. */
    JOBBER_REQUIRE_BROWSER: envVar.boolean(false),
  }),
  process.env,
);

/** The environment to hand to a child process a test starts (PATH and the like, plus its own). */
export function childProcessEnv(own: Record<string, string>): Record<string, string | undefined> {
  return { ...process.env, ...own };
}
