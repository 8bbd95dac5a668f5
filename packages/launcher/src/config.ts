import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { ADMIN_PORT_OFFSET, envVar, parseEnv } from '@jobber/service-kit';
import { repoRoot, subgraphs, type SubgraphName } from '@jobber/supergraph';

/**
 * The launcher's own settings. The whole environment is also passed on to the services, so
 * anything they read (LOG_LEVEL, EVENTS_EXCHANGE, …) can be set here too.
 */
export function loadLauncherConfig() {
  const source = process.env;
  const env = parseEnv(
    z.object({
      GATEWAY_PORT: envVar.port(4000),
      GATEWAY_ADMIN_PORT: envVar.port(4000 + ADMIN_PORT_OFFSET),
      AMQP_URL: envVar.url(['amqp', 'amqps']).default('amqp://guest:guest@127.0.0.1:5672'),
      LOG_LEVEL: envVar.logLevel(),
      /** Where development keys are kept between runs (so access tokens survive a restart). */
      JOBBER_DATA_DIR: z.string().default('.data'),
    }),
    source,
  );
  const perSubgraph = Object.fromEntries(
    subgraphs.map(({ name, port }) => {
      const variable = name.toUpperCase();
      const settings = parseEnv(
        z.object({
          [`${variable}_PORT`]: envVar.port(port),
          [`${variable}_ADMIN_PORT`]: envVar.port(port + ADMIN_PORT_OFFSET),
          [`${variable}_DATABASE_URL`]: envVar
            .url(['postgres', 'postgresql'])
            .default(`postgresql://postgres@127.0.0.1:5432/jobber_${name}`),
        }),
        source,
      );
      return [
        name,
        {
          port: Number(settings[`${variable}_PORT`]),
          adminPort: Number(settings[`${variable}_ADMIN_PORT`]),
          databaseUrl: String(settings[`${variable}_DATABASE_URL`]),
        },
      ];
    }),
  ) as Record<SubgraphName, { port: number; adminPort: number; databaseUrl: string }>;
  return {
    gatewayPort: env.GATEWAY_PORT,
    gatewayAdminPort: env.GATEWAY_ADMIN_PORT,
    amqpUrl: env.AMQP_URL,
    logLevel: env.LOG_LEVEL,
    dataDir: isAbsolute(env.JOBBER_DATA_DIR)
      ? env.JOBBER_DATA_DIR
      : join(repoRoot, env.JOBBER_DATA_DIR),
    subgraphs: perSubgraph,
    inherited: { ...source } as Record<string, string | undefined>,
  };
}
export type LauncherConfig = ReturnType<typeof loadLauncherConfig>;
