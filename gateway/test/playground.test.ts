import { generateKeyPairSync } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, type RunningServer } from '@jobber/service-kit';
import { parseGatewayConfig } from '../src/config.js';
import { PLAYGROUND_ASSETS_PATH } from '../src/playground.js';
import { startGateway } from '../src/server.js';

const pem = (type: 'pkcs8' | 'spki') => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return (type === 'pkcs8' ? privateKey : publicKey).export({ type, format: 'pem' }).toString();
};
const keys = { AUTH_JWT_PUBLIC_KEY: pem('spki'), GATEWAY_INTERNAL_PRIVATE_KEY: pem('pkcs8') };

/** A gateway with no subgraph running (a closed port): the page and its assets need none. */
const start = (env: Record<string, string>) =>
  startGateway(
    parseGatewayConfig({
      ...keys,
      PORT: '0',
      ADMIN_PORT: '0',
      AUTH_URL: 'http://127.0.0.1:9/graphql',
      USERS_URL: 'http://127.0.0.1:9/graphql',
      ...env,
    }),
    pino({ level: 'silent' }),
  );

const asBrowser = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

/** Every src/href of the page and url(...) of its stylesheets. */
const references = (text: string) => [
  ...[...text.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((match) => match[1] ?? ''),
  ...[...text.matchAll(/url\(\s*["']?([^"')]*)/g)].map((match) => match[1] ?? ''),
];

describe('playground configuration', () => {
  it('is on in development only, unless PLAYGROUND says otherwise', () => {
    expect(parseGatewayConfig(keys).playground).toBe(false);
    expect(parseGatewayConfig({ ...keys, NODE_ENV: 'test' }).playground).toBe(false);
    expect(parseGatewayConfig({ ...keys, NODE_ENV: 'development' }).playground).toBe(true);
    expect(parseGatewayConfig({ ...keys, PLAYGROUND: 'true' }).playground).toBe(true);
    expect(
      parseGatewayConfig({ ...keys, NODE_ENV: 'development', PLAYGROUND: 'false' }).playground,
    ).toBe(false);
    expect(() => parseGatewayConfig({ ...keys, PLAYGROUND: 'yes' })).toThrow(ConfigError);
  });
});

describe('the playground', () => {
  let production: RunningServer;
  let developmentWithout: RunningServer;
  let enabled: RunningServer;

  beforeAll(async () => {
    production = await start({ NODE_ENV: 'production' });
    // Apollo Server shows its (CDN-loaded) landing page outside production unless told not to.
    developmentWithout = await start({ NODE_ENV: 'development', PLAYGROUND: 'false' });
    enabled = await start({ NODE_ENV: 'production', PLAYGROUND: 'true' });
  });
  afterAll(async () => {
    await production?.stop(1_000);
    await developmentWithout?.stop(1_000);
    await enabled?.stop(1_000);
  });

  it('is not served in production unless enabled, nor is Apollo’s landing page', async () => {
    const [asset = ''] = references(
      await (await fetch(enabled.url, { headers: asBrowser })).text(),
    );
    expect(asset).toMatch(/^playground\/assets\//);
    for (const gateway of [production, developmentWithout]) {
      const page = await fetch(gateway.url, { headers: asBrowser });
      // GraphQL's own answer to a GET without a query: CSRF prevention refuses it.
      expect(page.status).toBe(400);
      expect(page.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await page.text()).not.toMatch(/<html|<script/i);
      expect((await fetch(new URL(asset, gateway.url))).status).toBe(404);
    }
  });

  it('answers a browser’s GET /graphql with the page, under a CSP of its own origin only', async () => {
    const page = await fetch(enabled.url, { headers: asBrowser });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    // Each directive allows its own origin or nothing: no host, scheme, data: or inline code.
    for (const directive of csp.split(';')) {
      const [, ...sources] = directive.trim().split(/\s+/);
      expect(sources.every((source) => source === "'self'" || source === "'none'")).toBe(true);
    }
  });

  it('references only same-origin assets, each under one path with long cache headers', async () => {
    const page = await (await fetch(enabled.url, { headers: asBrowser })).text();
    const queue = references(page).map((ref) => ({ ref, base: enabled.url }));
    expect(queue.length).toBeGreaterThanOrEqual(7); // icon, 2 stylesheets, 4 scripts
    const origin = new URL(enabled.url).origin;
    const seen = new Set<string>();
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { ref, base } = next;
      // Relative paths only: no scheme (http:, data:), no protocol-relative //host.
      expect(ref).toMatch(/^(?![a-z][a-z0-9+.-]*:)(?!\/\/)/i);
      const url = new URL(ref, base);
      expect(url.origin).toBe(origin);
      expect(url.pathname.startsWith(PLAYGROUND_ASSETS_PATH)).toBe(true);
      if (seen.has(url.href)) continue;
      seen.add(url.href);
      const response = await fetch(url);
      expect(response.status, url.pathname).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const type = response.headers.get('content-type') ?? '';
      const body = await response.text();
      if (type.startsWith('text/css'))
        queue.push(...references(body).map((next) => ({ ref: next, base: url.href })));
    }
    // The stylesheet's inlined fonts and icons became assets of their own.
    expect([...seen].some((href) => href.endsWith('.woff2'))).toBe(true);
  });

  it('leaves POST /graphql to GraphQL', async () => {
    const response = await fetch(enabled.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asBrowser },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
