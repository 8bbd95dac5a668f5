// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { notStartedReadiness, startTestSupergraph, type TestSupergraph } from '@jobber/test-kit';

let supergraph: TestSupergraph;
const appOrigin = 'https://app.jobber.test';

beforeAll(async () => {
  supergraph = await startTestSupergraph(
    { auth: (env) => startAuthService(parseAuthConfig(env)) },
    { gatewayEnv: { CORS_ORIGINS: appOrigin } },
  );
});
afterAll(() => supergraph?.stop());

const base = () => supergraph.gatewayUrl.replace(/\/graphql$/, '');

describe('gateway', () => {
  it('keeps Apollo telemetry off unless a user opts in', () => {
    // eslint-disable-next-line no-restricted-properties -- the variable the gateway's config.ts sets
    expect(process.env['APOLLO_TELEMETRY_DISABLED']).toBe('true');
  });

  it('refuses requests that could be cross-site forgeries (CSRF prevention)', async () => {
    const get = await fetch(
      `${supergraph.gatewayUrl}?query=${encodeURIComponent('{ viewer { id } }')}`,
    );
    expect(get.status).toBe(400);
    const simplePost = await fetch(supergraph.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ viewer { id } }' }),
    });
    expect(simplePost.status).toBe(400);
    const withPreflightHeader = await fetch(
      `${supergraph.gatewayUrl}?query=${encodeURIComponent('{ viewer { id } }')}`,
      {
        headers: { 'apollo-require-preflight': 'true' },
      },
    );
    expect(withPreflightHeader.status).toBe(200);
  });

  it('answers CORS for configured origins only', async () => {
    const preflight = await fetch(supergraph.gatewayUrl, {
      method: 'OPTIONS',
      headers: { origin: appOrigin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(appOrigin);
    const stranger = await fetch(supergraph.gatewayUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers with a request id, generated or the one the client sent', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(supergraph.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ viewer { id } }' }),
      });
    expect((await post({})).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await post({ 'x-request-id': 'support-ticket-42' })).headers.get('x-request-id')).toBe(
      'support-ticket-42',
    );
  });

  it('has introspection off outside development', async () => {
    const response = await supergraph.client.request('{ __schema { queryType { name } } }');
    expect(response.errors[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('serves health, readiness and Prometheus metrics on the admin port only', async () => {
    const admin = supergraph.gatewayAdminUrl;
    expect(admin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${admin}/healthz`)).status).toBe(200);
    // Ready once the supergraph is loaded; each subgraph's health is reported, not required:
    // only auth runs in this file, and the gateway still serves what auth answers.
    const readyz = await fetch(`${admin}/readyz`);
    expect(readyz.status).toBe(200);
    expect(await readyz.json()).toEqual({
      status: 'degraded',
      checks: {
        supergraph: 'ok',
        auth: 'ok',
        ...notStartedReadiness(['auth']),
        revocations: 'ok',
      },
    });
    await supergraph.client.request('{ viewer { id } }');
    const metrics = await (await fetch(`${admin}/metrics`)).text();
    expect(metrics).toMatch(
      /graphql_operation_duration_seconds_count{[^}]*type="query"[^}]*} [1-9]/,
    );
    expect(metrics).toContain('process_resident_memory_bytes');
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect((await fetch(`${base()}${path}`)).status).toBe(404);
    }
  });

  it('refuses operations nested deeper than the limit before planning them', async () => {
    const nest = (levels: number): string =>
      levels === 0 ? 'id' : `sellerProfile { user { ${nest(levels - 1)} } }`;
    const deep = await supergraph.client.request(`{ viewer { ${nest(6)} } }`);
    expect(deep.status).toBe(400);
    expect(deep.errors[0]).toMatchObject({
      message: expect.stringContaining('at most 12'),
      extensions: { code: 'BAD_REQUEST', limit: 'depth', max: 12 },
    });
    const shallow = await supergraph.client.request(`{ viewer { ${nest(1)} } }`);
    expect(shallow.errors.map((error) => error.extensions?.['code'])).not.toContain('BAD_REQUEST');
  });

  it('turns malformed bodies into 400s, not crashes', async () => {
    const response = await fetch(supergraph.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    const huge = await fetch(supergraph.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ viewer { id } } #${'x'.repeat(1_100_000)}` }),
    });
    expect(huge.status).toBe(413);
  });

  it('reports a subgraph that is down as UNAVAILABLE naming it, without internals', async () => {
    const response = await supergraph.client.request('{ seller(username: "nobody") { fullName } }');
    expect(response.errors.map((error) => error.extensions)).toEqual([
      { code: 'UNAVAILABLE', retryable: true, subgraph: 'users' },
    ]);
    expect(JSON.stringify(response.errors)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);
  });
});
