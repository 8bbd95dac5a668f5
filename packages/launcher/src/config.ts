import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { ADMIN_PORT_OFFSET, envVar, parseEnv } from '@jobber/service-kit';
import { repoRoot, subgraphs, type SubgraphName } from '@jobber/supergraph';

/** The PostgreSQL port of embedded mode: not 5432, so it never meets a server installed there. */
export const DEFAULT_EMBEDDED_POSTGRES_PORT = 15432;

/**
 * The launcher's own settings, read and validated here once. The whole environment is also
 * passed on to the services, so anything they read (LOG_LEVEL, EVENTS_EXCHANGE, …) can be set
 * here too.
 *
 * Mode: `embedded` (every service in this process, an embedded PostgreSQL, events in process)
 * unless `JOBBER_MODE=services` or a `<SUBGRAPH>_DATABASE_URL` / `AMQP_URL` is set: then
 * `services`, a process per service on the configured PostgreSQL and RabbitMQ.
 */
export function loadLauncherConfig() {
  const source = process.env;
  const env = parseEnv(
    z.object({
      JOBBER_MODE: z.enum(['embedded', 'services']).optional(),
      GATEWAY_PORT: envVar.port(4000),
      GATEWAY_ADMIN_PORT: envVar.port(4000 + ADMIN_PORT_OFFSET),
      AMQP_URL: envVar.url(['amqp', 'amqps']).optional(),
      LOG_LEVEL: envVar.logLevel(),
      /** Development keys and the embedded PostgreSQL's cluster are kept here between runs. */
      JOBBER_DATA_DIR: z.string().default('.data'),
      JOBBER_POSTGRES_PORT: envVar.port(DEFAULT_EMBEDDED_POSTGRES_PORT),
    }),
    source,
  );
  let databaseUrlSet = false;
  const perSubgraph = Object.fromEntries(
    subgraphs.map(({ name, port }) => {
      const variable = name.toUpperCase();
      const settings = parseEnv(
        z.object({
          [`${variable}_PORT`]: envVar.port(port),
          [`${variable}_ADMIN_PORT`]: envVar.port(port + ADMIN_PORT_OFFSET),
          [`${variable}_DATABASE_URL`]: envVar.url(['postgres', 'postgresql']).optional(),
        }),
        source,
      );
      const databaseUrl = settings[`${variable}_DATABASE_URL`];
      if (databaseUrl !== undefined) databaseUrlSet = true;
      return [
        name,
        {
          port: Number(settings[`${variable}_PORT`]),
          adminPort: Number(settings[`${variable}_ADMIN_PORT`]),
          /** Services mode's database (embedded mode makes its own). */
          databaseUrl: String(databaseUrl ?? `postgresql://postgres@127.0.0.1:5432/jobber_${name}`),
        },
      ];
    }),
  ) as Record<SubgraphName, { port: number; adminPort: number; databaseUrl: string }>;
  const dataDir = isAbsolute(env.JOBBER_DATA_DIR)
    ? env.JOBBER_DATA_DIR
    : join(repoRoot, env.JOBBER_DATA_DIR);
  return {
    mode:
      env.JOBBER_MODE ??
      (databaseUrlSet || env.AMQP_URL !== undefined
        ? ('services' as const)
        : ('embedded' as const)),
    gatewayPort: env.GATEWAY_PORT,
    gatewayAdminPort: env.GATEWAY_ADMIN_PORT,
    amqpUrl: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    logLevel: env.LOG_LEVEL,
    dataDir,
    embeddedPostgres: { dir: join(dataDir, 'postgres'), port: env.JOBBER_POSTGRES_PORT },
    subgraphs: perSubgraph,
    inherited: { ...source } as Record<string, string | undefined>,
  };
}
export type LauncherConfig = ReturnType<typeof loadLauncherConfig>;
