import { z } from 'zod';
import { parseEnv, subgraphEnvShape, subgraphSettings } from '@jobber/service-kit';

const schema = z.object({
  ...subgraphEnvShape(4002),
});

export function parseUsersConfig(source: Readonly<Record<string, string | undefined>>) {
  const env = parseEnv(schema, source);
  return { ...subgraphSettings(env) };
}
export type UsersConfig = ReturnType<typeof parseUsersConfig>;

export function loadUsersConfig(): UsersConfig {
  return parseUsersConfig(process.env);
}
