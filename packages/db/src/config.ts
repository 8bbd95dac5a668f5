import { databaseUrl, parsePgUrl } from './pg-url.js';

/** The environment of the `jobber-db` CLI, read here and nowhere else. */
export interface DbConfig {
  /** `<SUBGRAPH>_DATABASE_URL`, or `postgresql://postgres@127.0.0.1:5432/jobber_<subgraph>`. */
  databaseUrl(subgraph: string): string;
  /** Where `migrate create|check` create their temporary shadow database:
   * `JOBBER_SHADOW_DATABASE_URL`, or the subgraph's server with database `postgres`. */
  shadowAdminUrl(subgraph: string): string;
  /** The environment handed to spawned Prisma CLIs (they get their own settings on top). */
  childEnv: Readonly<Record<string, string | undefined>>;
}

export const DEFAULT_DATABASE_HOST = 'postgresql://postgres@127.0.0.1:5432';

/** Reads the environment (`overrides` win over `process.env`; tests pass their own URLs). */
export function loadConfig(overrides: Record<string, string | undefined> = {}): DbConfig {
  const env = { ...process.env, ...overrides };
  const databaseUrlOf = (subgraph: string): string => {
    const variable = databaseUrlVariable(subgraph);
    return readUrl(env, variable) ?? `${DEFAULT_DATABASE_HOST}/jobber_${subgraph}`;
  };
  return {
    databaseUrl: databaseUrlOf,
    shadowAdminUrl: (subgraph) =>
      readUrl(env, 'JOBBER_SHADOW_DATABASE_URL') ??
      databaseUrl(databaseUrlOf(subgraph), 'postgres'),
    childEnv: env,
  };
}

/** `auth` → `AUTH_DATABASE_URL`, `chat-bot` → `CHAT_BOT_DATABASE_URL`. */
export function databaseUrlVariable(subgraph: string): string {
  return `${subgraph.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_DATABASE_URL`;
}

function readUrl(env: Record<string, string | undefined>, variable: string): string | undefined {
  const value = env[variable];
  if (value === undefined || value === '') return undefined;
  try {
    parsePgUrl(value);
  } catch (error) {
    throw new Error(`${variable}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return value;
}
