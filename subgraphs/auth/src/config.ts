import { z } from 'zod';
import { envVar, subgraphConfig } from '@jobber/service-kit';

export const parseAuthConfig = subgraphConfig({
  port: 4001,
  env: {
    /** Signs users' access tokens (Ed25519, PKCS8 PEM); the gateway holds the public half. */
    AUTH_JWT_PRIVATE_KEY: envVar.pem('PRIVATE KEY'),
    AUTH_JWT_ISSUER: z.string().default('jobber-auth'),
    AUTH_JWT_AUDIENCE: z.string().default('jobber'),
  },
  settings: (env) => ({
    /**
     * Development's stand-in for the notifications subgraph: each sign-up confirmation put in
     * the outbox is also logged (info) with its token. Never in test or production.
     */
    devMailbox: env.NODE_ENV === 'development',
    accessTokens: {
      privateKeyPem: env.AUTH_JWT_PRIVATE_KEY,
      issuer: env.AUTH_JWT_ISSUER,
      audience: env.AUTH_JWT_AUDIENCE,
    },
  }),
});
export type AuthConfig = ReturnType<typeof parseAuthConfig>;

export const loadAuthConfig = (): AuthConfig => parseAuthConfig(process.env);
