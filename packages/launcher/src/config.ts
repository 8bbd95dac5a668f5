import { z } from 'zod';
import { envVar, parseEnv } from '@jobber/service-kit';

/** The launcher's own settings; everything else in the environment is passed on to the services. */
export function loadLauncherConfig() {
  const env = parseEnv(
    z.object({
      GATEWAY_PORT: envVar.port(4000),
      AMQP_URL: envVar.url(['amqp', 'amqps']).default('amqp://guest:guest@127.0.0.1:5672'),
      LOG_LEVEL: envVar.logLevel(),
      /** Where development keys are kept between runs (so access tokens survive a restart). */
      JOBBER_DATA_DIR: z.string().default('.data'),
    }),
    process.env,
  );
  return { ...env, inherited: { ...process.env } as Record<string, string | undefined> };
}
export type LauncherConfig = ReturnType<typeof loadLauncherConfig>;
