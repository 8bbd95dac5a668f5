import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, envVar, parseEnv, subgraphEnvShape } from '../src/index.js';

describe('parseEnv', () => {
  const schema = z.object({ ...subgraphEnvShape(4100), EXTRA: envVar.list() });

  it('names every bad or missing variable at once', () => {
    const error = (() => {
      try {
        parseEnv(schema, { PORT: 'eighty', DATABASE_URL: 'mysql://x' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^PORT:/m);
    expect(problems).toMatch(/^DATABASE_URL: must be a postgres or postgresql URL/m);
    expect(problems).toMatch(/^GATEWAY_INTERNAL_PUBLIC_KEY:/m);
  });

  it('applies defaults, treats empty strings as unset and unescapes one-line PEM keys', () => {
    const env = parseEnv(schema, {
      PORT: '',
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/x',
      GATEWAY_INTERNAL_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nAAA\\n-----END PUBLIC KEY-----',
      EXTRA: 'a, b,,c',
    });
    expect(env.PORT).toBe(4100);
    expect(env.EVENTS_EXCHANGE).toBe('jobber.events');
    expect(env.GATEWAY_INTERNAL_PUBLIC_KEY).toBe(
      '-----BEGIN PUBLIC KEY-----\nAAA\n-----END PUBLIC KEY-----',
    );
    expect(env.EXTRA).toEqual(['a', 'b', 'c']);
    // Unset NODE_ENV is production; the admin port defaults beside the public one, on loopback.
    expect(env.NODE_ENV).toBe('production');
    expect([env.ADMIN_HOST, env.ADMIN_PORT]).toEqual(['127.0.0.1', 9100]);
  });
});
