import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSeedConfig, SERVICES_AUTH_DATABASE_URL } from '../src/config.js';

const dataDir = mkdtempSync(join(tmpdir(), 'jobber-seed-config-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("the seed's configuration", () => {
  it("defaults to npm start's gateway and, with no embedded cluster, services mode's database", () => {
    const config = loadSeedConfig({ JOBBER_DATA_DIR: join(dataDir, 'none') });
    expect(config.gatewayUrl).toBe('http://127.0.0.1:4000/graphql');
    expect(config.authDatabaseUrls).toEqual([SERVICES_AUTH_DATABASE_URL]);
  });

  it("tries embedded mode's auth database first, with the launcher's password file", () => {
    mkdirSync(join(dataDir, 'postgres'), { recursive: true });
    writeFileSync(join(dataDir, 'postgres', 'password'), 'p/w+1\n');
    const config = loadSeedConfig({ JOBBER_DATA_DIR: dataDir, JOBBER_POSTGRES_PORT: '15999' });
    expect(config.authDatabaseUrls).toEqual([
      'postgresql://postgres:p%2Fw%2B1@127.0.0.1:15999/jobber_auth',
      SERVICES_AUTH_DATABASE_URL,
    ]);
  });

  it('uses AUTH_DATABASE_URL alone when it is set, and refuses a bad one', () => {
    const url = 'postgresql://postgres@127.0.0.1:5433/auth';
    expect(loadSeedConfig({ AUTH_DATABASE_URL: url }).authDatabaseUrls).toEqual([url]);
    expect(() => loadSeedConfig({ GATEWAY_URL: 'ftp://x' })).toThrow(/GATEWAY_URL/);
  });
});
