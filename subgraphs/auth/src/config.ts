import { z } from 'zod';
import { envVar, parseEnv, subgraphEnvShape, subgraphSettings } from '@jobber/service-kit';

const schema = z.object({
  ...subgraphEnvShape(4001),
  /** Signs users' access tokens (Ed25519, PKCS8 PEM); the gateway holds the public half. */
  AUTH_JWT_PRIVATE_KEY: envVar.pem('PRIVATE KEY'),
  AUTH_JWT_ISSUER: z.string().default('jobber-auth'),
  AUTH_JWT_AUDIENCE: z.string().default('jobber'),
});

export function parseAuthConfig(source: Readonly<Record<string, string | undefined>>) {
  const env = parseEnv(schema, source);
  return {
    ...subgraphSettings(env),
    accessTokens: {
      privateKeyPem: env.AUTH_JWT_PRIVATE_KEY,
      issuer: env.AUTH_JWT_ISSUER,
      audience: env.AUTH_JWT_AUDIENCE,
    },
  };
}
export type AuthConfig = ReturnType<typeof parseAuthConfig>;

export function loadAuthConfig(): AuthConfig {
  return parseAuthConfig(process.env);
}
