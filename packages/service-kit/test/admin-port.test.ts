import { afterEach, describe, expect, it } from 'vitest';
import {
  createLogger,
  createMetrics,
  startHttpService,
  type ReadinessCheck,
  type RunningServer,
} from '../src/index.js';

const logger = createLogger({ service: 'test', level: 'silent' });
let server: RunningServer | undefined;
afterEach(async () => {
  await server?.stop(1_000);
  server = undefined;
});

function start(readiness: ReadinessCheck[]) {
  return startHttpService({
    name: 'test',
    host: '127.0.0.1',
    port: 0,
    admin: { host: '127.0.0.1', port: 0 },
    logger,
    metrics: createMetrics('test'),
    readiness,
    graphql: async (_req, res) => void res.end('{}'),
    onStop: async () => {},
  });
}

const failing = (message: string) => async () => {
  throw new Error(message);
};

describe('the admin port', () => {
  it('serves /healthz, /readyz and /metrics on 127.0.0.1; the public port answers 404 to them', async () => {
    server = await start([{ name: 'database', check: async () => {} }]);
    expect(server.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.adminUrl).not.toBe(server.url.replace(/\/graphql$/, ''));
    expect(await (await fetch(`${server.adminUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    const readyz = await fetch(`${server.adminUrl}/readyz`);
    expect([readyz.status, await readyz.json()]).toEqual([
      200,
      { status: 'ok', checks: { database: 'ok' } },
    ]);
    expect(await (await fetch(`${server.adminUrl}/metrics`)).text()).toContain(
      'readiness_check_up{check="database",critical="true",service="test"} 1',
    );
    const publicBase = server.url.replace(/\/graphql$/, '');
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect((await fetch(`${publicBase}${path}`)).status).toBe(404);
    }
    // And /graphql is not on the admin port.
    expect((await fetch(`${server.adminUrl}/graphql`)).status).toBe(404);
  });

  it('answers 503 when a critical check fails, and 200 "degraded" when only a non-critical one does', async () => {
    let databaseDown = false;
    server = await start([
      { name: 'database', check: async () => (databaseDown ? failing('refused')() : undefined) },
      { name: 'events', check: failing('broker unreachable'), critical: false },
    ]);
    const degraded = await fetch(`${server.adminUrl}/readyz`);
    expect([degraded.status, await degraded.json()]).toEqual([
      200,
      { status: 'degraded', checks: { database: 'ok', events: 'broker unreachable' } },
    ]);
    const metrics = await (await fetch(`${server.adminUrl}/metrics`)).text();
    expect(metrics).toContain(
      'readiness_check_up{check="events",critical="false",service="test"} 0',
    );
    databaseDown = true;
    const down = await fetch(`${server.adminUrl}/readyz`);
    expect([down.status, await down.json()]).toEqual([
      503,
      { status: 'unavailable', checks: { database: 'refused', events: 'broker unreachable' } },
    ]);
  });

  it('counts a check that never answers as failed', async () => {
    server = await start([{ name: 'search', check: () => new Promise<void>(() => {}) }]);
    const readyz = await fetch(`${server.adminUrl}/readyz`);
    expect(readyz.status).toBe(503);
    expect(await readyz.json()).toMatchObject({
      checks: { search: expect.stringMatching(/no answer/) },
    });
  });
});
