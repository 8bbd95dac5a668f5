import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import pg from 'pg';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessTransport, eventTablesSql, type SqlClient } from '@jobber/events';
import {
  INTERNAL_CREDENTIAL_HEADER,
  type RequestIdentity,
  createInternalCredentialSigner,
  createLogger,
  startSubgraphService,
  type RequestContext,
  type RunningService,
} from '../src/index.js';

// The hooks the next subgraphs need, through startSubgraphService on a real database: extra
// readiness checks, async stop hooks, raw-body routes (webhooks) and graphql-ws subscriptions
// authenticated with the gateway's credential.

const adminUrl =
  // eslint-disable-next-line no-restricted-properties -- the test kit's variable (it depends on this package)
  process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const databaseName = `jobber_test_kit_${randomBytes(5).toString('hex')}`;
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${databaseName}` }).toString();
const keys = (() => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
})();
const signer = createInternalCredentialSigner({ privateKeyPem: keys.privateKeyPem });
const anonymous = {
  viewer: null,
  client: { ip: null, userAgent: null, deviceId: null },
  requestId: '',
};

/** Prisma's raw-SQL surface over node-postgres: what the outbox relay and /readyz use. */
class PgDatabase implements SqlClient {
  constructor(private readonly pool: pg.Pool) {}
  async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    return (await this.pool.query(query, values)).rows as T;
  }
  async $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
    return (await this.pool.query(query, values)).rowCount ?? 0;
  }
  async $transaction<R>(fn: (tx: SqlClient) => Promise<R>): Promise<R> {
    const client = await this.pool.connect();
    const tx: SqlClient = {
      $queryRawUnsafe: async <T>(q: string, ...v: unknown[]) =>
        (await client.query(q, v)).rows as T,
      $executeRawUnsafe: async (q: string, ...v: unknown[]) =>
        (await client.query(q, v)).rowCount ?? 0,
    };
    try {
      await client.query('BEGIN');
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
  $disconnect() {
    return this.pool.end();
  }
}

type Ctx = RequestContext & RequestIdentity;
let service: RunningService;
let searchUp = true;
const stopHook = { started: false, finished: false };
const webhooks: { body: Buffer; signature: string | undefined }[] = [];

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await withAdmin((client) => client.query(`CREATE DATABASE ${databaseName}`));
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  await pool.query(eventTablesSql);
  service = await startSubgraphService(
    {
      name: 'ticks',
      settings: {
        nodeEnv: 'test',
        logLevel: 'silent',
        host: '127.0.0.1',
        port: 0,
        admin: { host: '127.0.0.1', port: 0 },
        database: { url: databaseUrl, poolSize: 3, poolTimeoutMs: 2_000 },
        internalPublicKeyPem: keys.publicKeyPem,
        events: { amqpUrl: 'amqp://127.0.0.1:9', exchange: 'unused', queuePrefix: '' },
      },
      schema: new URL('./fixtures/ticks.graphql', import.meta.url),
      resolvers: {
        Query: {
          whoami: (_: unknown, __: unknown, ctx: Ctx) => ctx.viewer?.id ?? null,
          requestId: (_: unknown, __: unknown, ctx: Ctx) => ctx.requestId,
        },
        Subscription: {
          ticks: {
            async *subscribe(_: unknown, { to }: { to: number }, ctx: Ctx) {
              for (let n = 1; n <= to; n += 1)
                yield { ticks: { n, viewer: ctx.viewer?.id ?? null } };
            },
          },
          broken: {
            // eslint-disable-next-line require-yield -- fails before its first event
            async *subscribe() {
              throw new Error('connect ECONNREFUSED 10.0.0.7:9200');
            },
          },
        },
      },
      createPrisma: () => new PgDatabase(pool),
      wire: () => ({
        context: (identity, logger) => ({ ...identity, logger }),
        readiness: [
          {
            name: 'search',
            critical: false,
            check: async () => {
              if (!searchUp) throw new Error('search index unreachable');
            },
          },
        ],
        routes: [
          {
            method: 'POST',
            path: '/webhooks/stripe',
            maxBodyBytes: 1024,
            async handle({ body, headers }) {
              const signature = headers['stripe-signature'];
              webhooks.push({
                body,
                signature: typeof signature === 'string' ? signature : undefined,
              });
              return {
                status: 200,
                headers: { 'content-type': 'application/json' },
                body: '{"received":true}',
              };
            },
          },
        ],
        async onStop() {
          stopHook.started = true;
          await new Promise((resolve) => setImmediate(resolve));
          stopHook.finished = true;
        },
      }),
    },
    {
      logger: createLogger({ service: 'ticks', level: 'silent' }),
      transport: new InProcessTransport(),
    },
  );
});

afterAll(async () => {
  await service?.stop(1_000);
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`));
});

const wsUrl = () => service.url.replace(/^http/, 'ws');

function connect(connectionParams: Record<string, unknown>): {
  client: Client;
  closed: Promise<number>;
} {
  let onClose!: (code: number) => void;
  const closed = new Promise<number>((resolve) => (onClose = resolve));
  const client = createClient({
    url: wsUrl(),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    // The refusals below are expected; graphql-ws would print each one.
    onNonLazyError: () => {},
    on: { closed: (event) => onClose((event as { code: number }).code) },
  });
  return { client, closed };
}

async function collect(client: Client, query: string, extensions?: Record<string, unknown>) {
  const results: unknown[] = [];
  try {
    for await (const result of client.iterate({ query, ...(extensions ? { extensions } : {}) })) {
      results.push(result);
    }
  } catch (error) {
    // An `error` frame: graphql-ws hands over the (masked) errors.
    results.push({ errorFrame: error });
  }
  return results;
}

describe('extension points of a subgraph', () => {
  it('adds its own readiness checks: a non-critical one degrades /readyz without a 503', async () => {
    const ready = await fetch(`${service.adminUrl}/readyz`);
    expect(await ready.json()).toMatchObject({ checks: { database: 'ok', search: 'ok' } });
    searchUp = false;
    const degraded = await fetch(`${service.adminUrl}/readyz`);
    expect(degraded.status).toBe(200);
    expect(await degraded.json()).toMatchObject({
      status: 'degraded',
      checks: { database: 'ok', search: 'search index unreachable' },
    });
    searchUp = true;
  });

  it('serves a webhook route with the raw body and headers, without the internal credential, within a body limit', async () => {
    const payload = '{"id":"evt_1","type":"payment_intent.succeeded"}  ';
    const response = await fetch(service.url.replace(/\/graphql$/, '/webhooks/stripe'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=abc' },
      body: payload,
    });
    expect([response.status, await response.json()]).toEqual([200, { received: true }]);
    expect(webhooks).toHaveLength(1);
    expect(webhooks[0]?.body.equals(Buffer.from(payload))).toBe(true);
    expect(webhooks[0]?.signature).toBe('t=1,v1=abc');
    const tooBig = await fetch(service.url.replace(/\/graphql$/, '/webhooks/stripe'), {
      method: 'POST',
      body: 'x'.repeat(2048),
    });
    expect(tooBig.status).toBe(413);
    expect(webhooks).toHaveLength(1);
    const wrongMethod = await fetch(service.url.replace(/\/graphql$/, '/webhooks/stripe'));
    expect(wrongMethod.status).toBe(405);
  });

  it("logs a request by the gateway's x-request-id, else by its credential's (a credential is reused across requests)", async () => {
    const credential = await signer.sign('ticks', { ...anonymous, requestId: 'signed-with' });
    const requestIdOf = async (headers: Record<string, string>) => {
      const response = await fetch(service.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [INTERNAL_CREDENTIAL_HEADER]: credential,
          ...headers,
        },
        body: JSON.stringify({ query: '{ requestId }' }),
      });
      return ((await response.json()) as { data: { requestId: string } }).data.requestId;
    };
    expect(await requestIdOf({ 'x-request-id': 'this-request' })).toBe('this-request');
    expect(await requestIdOf({})).toBe('signed-with');
    expect(await requestIdOf({ 'x-request-id': 'no spaces or {braces}' })).toBe('signed-with');
  });

  it('serves subscriptions over graphql-ws to a socket opened with the gateway credential', async () => {
    const { client } = connect({
      [INTERNAL_CREDENTIAL_HEADER]: await signer.sign('ticks', anonymous),
    });
    const viewer = await signer.sign('ticks', {
      ...anonymous,
      viewer: { id: 'u-1', roles: ['USER'] },
    });
    try {
      expect(await collect(client, 'subscription { ticks(to: 3) { n viewer } }')).toEqual([
        { data: { ticks: { n: 1, viewer: null } } },
        { data: { ticks: { n: 2, viewer: null } } },
        { data: { ticks: { n: 3, viewer: null } } },
      ]);
      // The viewer travels per operation, with its own credential.
      const asViewer = await collect(client, 'subscription { ticks(to: 1) { viewer } }', {
        [INTERNAL_CREDENTIAL_HEADER]: viewer,
      });
      expect(asViewer).toEqual([{ data: { ticks: { viewer: 'u-1' } } }]);
      // Errors are masked on the socket as on HTTP.
      const broken = await collect(client, 'subscription { broken { n } }');
      expect(JSON.stringify(broken)).not.toMatch(/ECONNREFUSED|10\.0\.0\.7/);
      expect(broken).toEqual([
        {
          errorFrame: [
            { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
          ],
        },
      ]);
    } finally {
      await client.dispose();
    }
  });

  it('refuses a socket without a valid credential (4403) and closes one when its credential expires (4401)', async () => {
    const none = connect({});
    expect(await none.closed).toBe(4403);
    const forged = connect({
      [INTERNAL_CREDENTIAL_HEADER]: await createInternalCredentialSigner({
        privateKeyPem: generateKeyPairSync('ed25519')
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
      }).sign('ticks', anonymous),
    });
    expect(await forged.closed).toBe(4403);
    const otherAudience = connect({
      [INTERNAL_CREDENTIAL_HEADER]: await signer.sign('users', anonymous),
    });
    expect(await otherAudience.closed).toBe(4403);

    const shortLived = createInternalCredentialSigner({
      privateKeyPem: keys.privateKeyPem,
      ttlSeconds: 1,
    });
    const expiring = connect({
      [INTERNAL_CREDENTIAL_HEADER]: await shortLived.sign('ticks', anonymous),
    });
    expect(await expiring.closed).toBe(4401);
  });

  it('awaits the async stop hook, and refuses new sockets once stopping', async () => {
    const report = await service.stop(5_000);
    expect(report.connectionsCut).toBe(0);
    expect(stopHook).toEqual({ started: true, finished: true });
    await expect(fetch(`${service.adminUrl}/healthz`)).rejects.toThrow();
  });
});
