import { z } from 'zod';
import { parseEnv } from './env.js';
import { subgraphEnvShape, subgraphSettings, type SubgraphSettings } from './subgraph-env.js';

type EnvSource = Readonly<Record<string, string | undefined>>;
type SubgraphEnvShape = ReturnType<typeof subgraphEnvShape>;

/**
 * A subgraph's `parse<Name>Config`: the variables every subgraph reads (subgraph-env.ts) plus
 * its own `env`, validated at once (every problem named), in the kit's settings shape plus what
 * `settings` makes of its own variables.
 */
export function subgraphConfig<
  Extra extends z.ZodRawShape = Record<never, never>,
  Own = unknown,
>(options: {
  port: number;
  env?: Extra;
  settings?: (env: z.infer<z.ZodObject<SubgraphEnvShape & Extra>>) => Own;
}): (source: EnvSource) => SubgraphSettings & Own {
  const schema = z.object({ ...subgraphEnvShape(options.port), ...options.env }) as z.ZodObject<
    SubgraphEnvShape & Extra
  >;
  return (source) => {
    const env = parseEnv(schema, source);
    const common = env as unknown as Parameters<typeof subgraphSettings>[0];
    return { ...subgraphSettings(common), ...(options.settings?.(env) as Own) };
  };
}
