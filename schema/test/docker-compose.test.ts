import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAuthConfig } from '@jobber/auth';
import { parseGatewayConfig } from '@jobber/gateway';
import { ADMIN_PORT_OFFSET, type SubgraphSettings } from '@jobber/service-kit';
import { repoRoot, subgraphs, type SubgraphName } from '@jobber/supergraph';
import { testConfig, uniqueTag } from '@jobber/test-kit';
import { parseGigsConfig } from '@jobber/gigs';
import { parseUsersConfig } from '@jobber/users';
import { parseChatConfig } from '@jobber/chat';
import { parseOrdersConfig } from '@jobber/orders';
import { parseReviewsConfig } from '@jobber/reviews';
import { parseNotificationsConfig } from '@jobber/notifications';
import {
  asList,
  composeTool,
  dependsOn,
  environmentOf,
  parseComposeYaml,
  publishedPorts,
  type ComposeModel,
  type ComposeService,
} from './compose-model.js';

// docker-compose.yml, the full stack: the services and their order, the one published port,
// health checks, and each service's environment parsed by that service's own config.ts.
const read = (file: string) => readFileSync(join(repoRoot, file), 'utf8');
const composeFile = parseComposeYaml(read('docker-compose.yml'));
const hostFile = parseComposeYaml(read('docker-compose.host.yml'));
const tool = composeTool(repoRoot);
if (!tool) {
  console.log(
    'docker-compose.test: neither `docker compose` nor `docker-compose` is installed: the compose ' +
      'files are checked as written, the `docker compose config` case is skipped.',
  );
}

/** Each subgraph's own config parser: a subgraph added to the one list must be added here. */
const parseSubgraphConfig: Record<SubgraphName, (env: Record<string, string>) => SubgraphSettings> =
  {
    auth: parseAuthConfig,
    users: parseUsersConfig,
    gigs: parseGigsConfig,
    chat: parseChatConfig,
    orders: parseOrdersConfig,
    reviews: parseReviewsConfig,
    notifications: parseNotificationsConfig,
  };

const temp = mkdtempSync(join(tmpdir(), 'jobber-compose-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

// The keys as the `keys` service makes them, here in a folder that stands in for the volume.
const keysVolume = '/run/jobber-keys';
const keysDir = join(temp, 'keys');
const madeKeys = spawnSync('node', ['docker/dev-keys.mjs', keysDir], { cwd: repoRoot });
expect(madeKeys.status, String(madeKeys.stderr)).toBe(0);

/** The environment the service's process gets: through the image's entry point (*_FILE). */
function processEnvironment(service: ComposeService): Record<string, string> {
  const env = Object.fromEntries(
    Object.entries(environmentOf(service)).map(([name, value]) => [
      name,
      value.startsWith(`${keysVolume}/`) ? join(keysDir, value.slice(keysVolume.length)) : value,
    ]),
  );
  const result = spawnSync(
    'sh',
    ['docker/entrypoint.sh', 'node', '-e', 'process.stdout.write(JSON.stringify(process.env))'],
    { cwd: repoRoot, env: { PATH: '/usr/local/bin:/usr/bin:/bin', ...env }, encoding: 'utf8' },
  );
  expect(result.status, result.stderr).toBe(0);
  const seen = JSON.parse(result.stdout) as Record<string, string>;
  return Object.fromEntries(
    Object.entries(seen).filter(([name]) => name in env || `${name}_FILE` in env),
  );
}

/** Every variable set is one the service's configuration reads (a misspelt name is not). */
function expectKnownVariables(env: Record<string, string>, configFiles: string[], extra: string[]) {
  const sources = configFiles.map(read).join('\n');
  const unknown = Object.keys(env).filter(
    (name) => !extra.includes(name) && !new RegExp(`\\b${name}\\b`).test(sources),
  );
  expect(unknown, `not read by ${configFiles.join(', ')}`).toEqual([]);
}

const NODE_SERVICES = ['keys', 'migrate', 'gateway', ...subgraphs.map(({ name }) => name)];
const INFRASTRUCTURE = ['postgres', 'rabbitmq', 'elasticsearch', 'kibana'];
const readyzCheck = (adminPort: number) => [
  'CMD',
  'node',
  'docker/healthcheck.mjs',
  `http://127.0.0.1:${adminPort}/readyz`,
];

function checkStack(model: ComposeModel) {
  const services = model.services;
  const service = (name: string): ComposeService => {
    const found = services[name];
    if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
    return found;
  };
  expect(Object.keys(services).sort()).toEqual([...INFRASTRUCTURE, ...NODE_SERVICES].sort());

  // One image for every Node service, built from ./Dockerfile; the command picks the service.
  for (const name of NODE_SERVICES) {
    const { image, build } = service(name);
    expect({ name, image }).toEqual({ name, image: 'jobber:local' });
    const context = typeof build === 'string' ? build : build?.context;
    expect(resolve(repoRoot, context ?? '')).toBe(resolve(repoRoot));
    expect(typeof build === 'object' && build.target).toBe('runtime');
  }
  expect(existsSync(join(repoRoot, 'Dockerfile'))).toBe(true);
  expect(read('Dockerfile')).toMatch(/^FROM .* AS runtime$/m);

  // Only the gateway is published, and only on 127.0.0.1.
  const published = Object.entries(services).flatMap(([name, s]) =>
    publishedPorts(s).map((port) => ({ name, ...port })),
  );
  const gatewayEnv = processEnvironment(service('gateway'));
  const gateway = parseGatewayConfig(gatewayEnv);
  expect(published).toEqual([
    { name: 'gateway', hostIp: '127.0.0.1', published: '4000', target: gateway.port },
  ]);

  // Health checks: the infrastructure's own, and /readyz on each service's admin port.
  for (const name of INFRASTRUCTURE) {
    expect(asList(service(name).healthcheck?.test).length, name).toBeGreaterThan(1);
  }
  expect(service('gateway').healthcheck?.test).toEqual(readyzCheck(gateway.admin.port));
  expect(gateway.host).toBe('0.0.0.0');
  expect(gateway.events?.amqpUrl).toBe('amqp://guest:guest@rabbitmq:5672');
  expectKnownVariables(
    gatewayEnv,
    ['gateway/src/config.ts', 'gateway/src/limits-config.ts'],
    subgraphs.map(({ name }) => `${name.toUpperCase()}_URL`),
  );

  // A database per subgraph: made by the init script, migrated by `migrate`, used by the subgraph.
  const databases = environmentOf(service('postgres'))['JOBBER_DATABASES']?.split(/\s+/);
  expect(databases).toEqual(subgraphs.map(({ name }) => `jobber_${name}`));
  const migrateEnv = environmentOf(service('migrate'));
  expect(service('migrate').command).toEqual([
    'node',
    'packages/db/bin/jobber-db.mjs',
    'migrate',
    'deploy',
  ]);
  expect(dependsOn(service('migrate'))).toEqual({ postgres: 'service_healthy' });
  expect(service('keys').command).toEqual(['node', 'docker/dev-keys.mjs', keysVolume]);
  expect(service('keys').restart).toBe('no');
  expect(service('migrate').restart).toBe('no');

  const gatewayDependsOn: Record<string, string> = {};
  for (const { name, port } of subgraphs) {
    const subgraph = service(name);
    const env = processEnvironment(subgraph);
    const config = parseSubgraphConfig[name](env);
    expect(subgraph.command).toEqual(['node', `subgraphs/${name}/dist/main.js`]);
    expect(existsSync(join(repoRoot, `subgraphs/${name}/src/main.ts`))).toBe(true);
    expect({ name, host: config.host, port: config.port }).toEqual({ name, host: '0.0.0.0', port });
    expect(config.admin.port).toBe(port + ADMIN_PORT_OFFSET);
    expect(subgraph.healthcheck?.test).toEqual(readyzCheck(config.admin.port));
    expect(config.database.url).toBe(`postgresql://postgres@postgres:5432/jobber_${name}`);
    expect(migrateEnv[`${name.toUpperCase()}_DATABASE_URL`]).toBe(config.database.url);
    expect(config.events.amqpUrl).toBe('amqp://guest:guest@rabbitmq:5672');
    expect(gateway.subgraphUrls[name]).toBe(`http://${name}:${config.port}/graphql`);
    expect(dependsOn(subgraph)).toEqual({
      keys: 'service_completed_successfully',
      migrate: 'service_completed_successfully',
      rabbitmq: 'service_healthy',
    });
    expectKnownVariables(
      env,
      ['packages/service-kit/src/subgraph-env.ts', `subgraphs/${name}/src/config.ts`],
      [],
    );
    gatewayDependsOn[name] = 'service_healthy';
  }
  expect(dependsOn(service('gateway'))).toEqual(gatewayDependsOn);
  expect(dependsOn(service('kibana'))).toEqual({ elasticsearch: 'service_healthy' });
}

describe('docker-compose.yml', () => {
  it('as written: the services, one published port, health checks, each environment', () => {
    checkStack(composeFile);
  });

  it('docker-compose.host.yml publishes only the infrastructure, only on 127.0.0.1', () => {
    for (const [name, service] of Object.entries(hostFile.services)) {
      expect(INFRASTRUCTURE).toContain(name);
      expect(Object.keys(service)).toEqual(['ports']);
      for (const port of publishedPorts(service)) expect(port.hostIp).toBe('127.0.0.1');
    }
  });

  it.skipIf(!tool)(`as \`${tool?.name ?? 'docker compose config'}\` resolves it`, () => {
    if (!tool) return;
    checkStack(tool.config(['docker-compose.yml']));
    const withHost = tool.config(['docker-compose.yml', 'docker-compose.host.yml']);
    const ports = Object.entries(withHost.services)
      .flatMap(([name, service]) => publishedPorts(service).map((port) => ({ name, ...port })))
      .sort((a, b) => a.target - b.target);
    expect(ports.map(({ name, hostIp, target }) => `${name} ${hostIp}:${target}`)).toEqual([
      'gateway 127.0.0.1:4000',
      'postgres 127.0.0.1:5432',
      'kibana 127.0.0.1:5601',
      'rabbitmq 127.0.0.1:5672',
      'elasticsearch 127.0.0.1:9200',
      'rabbitmq 127.0.0.1:15672',
    ]);
  });
});

describe('the image scripts', () => {
  it('entrypoint: NAME_FILE sets a secret from its file; other *_FILE variables stay', () => {
    const key = join(keysDir, 'internal.public.pem');
    const run = (env: Record<string, string>) =>
      spawnSync('sh', ['docker/entrypoint.sh', 'sh', '-c', 'env'], {
        cwd: repoRoot,
        env: { PATH: '/usr/bin:/bin', ...env },
        encoding: 'utf8',
      });
    const ok = run({ GATEWAY_INTERNAL_PUBLIC_KEY_FILE: key, SSL_CERT_FILE: key });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`GATEWAY_INTERNAL_PUBLIC_KEY=${readFileSync(key, 'utf8').trim()}`);
    expect(ok.stdout).not.toContain('GATEWAY_INTERNAL_PUBLIC_KEY_FILE=');
    expect(ok.stdout).toContain(`SSL_CERT_FILE=${key}`);
    expect(ok.stdout).not.toMatch(/^SSL_CERT=/m);

    const missing = run({ AUTH_JWT_PRIVATE_KEY_FILE: join(temp, 'nothing.pem') });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('AUTH_JWT_PRIVATE_KEY_FILE: cannot read');
  });

  it('dev-keys: makes the keys once and keeps them', () => {
    const before = readFileSync(join(keysDir, 'access-tokens.private.pem'), 'utf8');
    expect(before).toContain('-----BEGIN PRIVATE KEY-----');
    spawnSync('node', ['docker/dev-keys.mjs', keysDir], { cwd: repoRoot });
    expect(readFileSync(join(keysDir, 'access-tokens.private.pem'), 'utf8')).toBe(before);
  });

  it('healthcheck: 0 when the URL answers 2xx, 1 on 503 or nothing listening', async () => {
    let status = 200;
    const server = createServer((_request, response) => response.writeHead(status).end());
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
    const check = async (target: string) =>
      new Promise<number | null>((done) => {
        const child = spawn('node', ['docker/healthcheck.mjs', target], { cwd: repoRoot });
        child.on('exit', (code) => done(code));
      });
    try {
      expect(await check(url)).toBe(0);
      status = 503;
      expect(await check(url)).toBe(1);
    } finally {
      await new Promise((done) => server.close(done));
    }
    expect(await check(url)).toBe(1);
  });

  const hasPsql = spawnSync('psql', ['--version']).status === 0;
  it.skipIf(!hasPsql)(
    'postgres init script: a database for each name in JOBBER_DATABASES',
    async () => {
      const names = [
        `jobber_test_compose_${uniqueTag()}_a`,
        `jobber_test_compose_${uniqueTag()}_b`,
      ];
      const admin = new URL(testConfig.TEST_POSTGRES_URL);
      const client = new pg.Client({ connectionString: testConfig.TEST_POSTGRES_URL });
      await client.connect();
      try {
        const result = spawnSync('sh', ['docker/postgres-init/10-create-databases.sh'], {
          cwd: repoRoot,
          encoding: 'utf8',
          env: {
            PATH: '/usr/local/bin:/usr/bin:/bin',
            JOBBER_DATABASES: names.join(' '),
            POSTGRES_USER: decodeURIComponent(admin.username) || 'postgres',
            PGHOST: admin.hostname,
            PGPORT: admin.port || '5432',
            PGPASSWORD: decodeURIComponent(admin.password),
          },
        });
        expect(result.status, result.stderr).toBe(0);
        const { rows } = await client.query<{ datname: string }>(
          'SELECT datname FROM pg_database WHERE datname = ANY($1) ORDER BY datname',
          [names],
        );
        expect(rows.map((row) => row.datname)).toEqual([...names].sort());
      } finally {
        for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}"`);
        await client.end();
      }
    },
  );
});
