import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { envVar, parseEnv } from '@jobber/service-kit';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Services mode's auth database (`npm run start:services`, the launcher's default). */
export const SERVICES_AUTH_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/jobber_auth';

/**
 * Where the seed sends its operations and reads the emails, read and validated here once.
 * The defaults match `npm start`: the gateway on 127.0.0.1:4000 and, for the emails, auth's
 * database in the embedded PostgreSQL (port and password file under `JOBBER_DATA_DIR`, as the
 * launcher makes them) or, when there is none, services mode's PostgreSQL on 127.0.0.1:5432.
 * `AUTH_DATABASE_URL` names one database and skips that choice.
 */
export function loadSeedConfig(source: Readonly<Record<string, string | undefined>> = process.env) {
  const env = parseEnv(
    z.object({
      GATEWAY_URL: envVar.url(['http', 'https']).default('http://127.0.0.1:4000/graphql'),
      AUTH_DATABASE_URL: envVar.url(['postgres', 'postgresql']).optional(),
      JOBBER_DATA_DIR: z.string().default('.data'),
      JOBBER_POSTGRES_PORT: envVar.port(15432),
    }),
    source,
  );
  const dataDir = isAbsolute(env.JOBBER_DATA_DIR)
    ? env.JOBBER_DATA_DIR
    : join(repoRoot, env.JOBBER_DATA_DIR);
  return {
    gatewayUrl: env.GATEWAY_URL,
    /** Tried in order; the first that answers is auth's database. */
    authDatabaseUrls: env.AUTH_DATABASE_URL
      ? [env.AUTH_DATABASE_URL]
      : [...embeddedAuthUrl(dataDir, env.JOBBER_POSTGRES_PORT), SERVICES_AUTH_DATABASE_URL],
  };
}
export type SeedConfig = ReturnType<typeof loadSeedConfig>;

/** Embedded mode's auth database, when `npm start` has made its cluster (and its password). */
function embeddedAuthUrl(dataDir: string, port: number): string[] {
  const passwordFile = join(dataDir, 'postgres', 'password');
  if (!existsSync(passwordFile)) return [];
  const password = encodeURIComponent(readFileSync(passwordFile, 'utf8').trim());
  return [`postgresql://postgres:${password}@127.0.0.1:${port}/jobber_auth`];
}
