import { parseGatewayConfig, startGateway } from '@jobber/gateway';
import { createLogger, type RunningServer, type RunningService } from '@jobber/service-kit';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  composeSupergraph,
  subgraphs as allSubgraphs,
  type SubgraphName,
} from '@jobber/supergraph';
import { testConfig } from './config.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { deleteTestEvents, testEventNames, type TestEventNames } from './event-bus.js';
import { GraphQLClient } from './graphql-client.js';
import { Mailbox } from './mailbox.js';
import { generateSupergraphKeys, type SupergraphKeys } from './keys.js';

/**
 * A subgraph only a test has (e.g. schema/test/fixtures/ticks-subgraph.ts): started with the
 * supergraph's keys before the gateway, composed into the supergraph it serves, stopped at `stop()`.
 */
/**
 * A gateway's environment with every rate limit off: tests and benchmarks call far more often
 * than anyone, all from 127.0.0.1.
 */
export const RATE_LIMITS_OFF = {
  RATE_LIMIT_OPERATIONS_PER_IP: '0',
  RATE_LIMIT_OPERATIONS_PER_ACCOUNT: '0',
  RATE_LIMIT_SENSITIVE_PER_IP: '0',
  RATE_LIMIT_SENSITIVE_PER_ACCOUNT: '0',
  RATE_LIMIT_COST_PER_IP: '0',
  RATE_LIMIT_COST_PER_ACCOUNT: '0',
} as const;

export interface FixtureSubgraph {
  name: string;
  sdl: string;
  start: (keys: SupergraphKeys) => Promise<{ url: string; stop: () => Promise<void> }>;
}

/** Starts one subgraph from an environment record, as its main.ts would from process.env. */
export type SubgraphStarter = (env: Record<string, string>) => Promise<RunningService>;

export interface TestSupergraph {
  /** A client for the gateway, anonymous until `.as({ token })`; with auth's `mailbox`. */
  client: GraphQLClient;
  gatewayUrl: string;
  /** The gateway's admin base URL: /healthz, /readyz, /metrics (each subgraph's is its `adminUrl`). */
  gatewayAdminUrl: string;
  keys: SupergraphKeys;
  events: TestEventNames;
  databases: Partial<Record<SubgraphName, TestDatabase>>;
  subgraphs: Partial<Record<SubgraphName, RunningService>>;
  /** Removes this queue (and its retry and dead-letter queues) with the rest at `stop()`. */
  trackQueue(name: string): void;
  /** The environment each subgraph was started with (to start another instance, or a consumer). */
  envFor(name: SubgraphName): Record<string, string>;
  /**
   * Another gateway process on the same keys and exchange, stopped at `stop()`: `env` overrides
   * the first gateway's environment (e.g. `CHAT_URL` of another chat process).
   */
  startAnotherGateway(env?: Record<string, string>): Promise<RunningServer>;
  stop(): Promise<void>;
}

/**
 * The supergraph for one test file: the given subgraphs, each on a database of its own and
 * all on an exchange of their own, behind a real gateway serving the composed supergraph.
 * Subgraphs left out are simply not running (operations that need them fail).
 */
export async function startTestSupergraph(
  starters: Partial<Record<SubgraphName, SubgraphStarter>>,
  options: { gatewayEnv?: Record<string, string>; fixtures?: readonly FixtureSubgraph[] } = {},
): Promise<TestSupergraph> {
  const keys = generateSupergraphKeys();
  const events = testEventNames();
  // Each process declares the listed queues of the subgraphs running here, not of all seven.
  const declareQueuesOf = Object.keys(starters).join(',') || 'gateway';
  const databases: TestSupergraph['databases'] = {};
  const subgraphs: TestSupergraph['subgraphs'] = {};
  const envs: Partial<Record<SubgraphName, Record<string, string>>> = {};
  const extraQueues: string[] = [];
  let gateway: RunningServer | undefined;
  const moreGateways: RunningServer[] = [];
  let gatewayEnv: Record<string, string> = {};
  const fixtureStops: (() => Promise<void>)[] = [];
  let supergraphDir: string | undefined;
  /** Auth's confirmation emails, read from its outbox (signUpMember finds them on the client). */
  const mail: { box?: Mailbox } = {};

  const stop = async () => {
    await Promise.all(moreGateways.map((more) => more.stop(1_000)));
    await gateway?.stop(1_000);
    await Promise.all(Object.values(subgraphs).map((subgraph) => subgraph.stop(1_000)));
    await Promise.all(fixtureStops.map((stopFixture) => stopFixture()));
    if (supergraphDir) rmSync(supergraphDir, { recursive: true, force: true });
    await mail.box?.close();
    await Promise.all(Object.values(databases).map((database) => database.drop()));
    const consumers = Object.values(subgraphs).flatMap((subgraph) => subgraph.consumers);
    await deleteTestEvents(events, [...consumers, ...extraQueues]);
  };

  try {
    for (const [name, start] of Object.entries(starters) as [SubgraphName, SubgraphStarter][]) {
      const database = await createTestDatabase(name);
      databases[name] = database;
      const env = {
        NODE_ENV: 'test',
        LOG_LEVEL: testConfig.TEST_LOG_LEVEL,
        PORT: '0',
        ADMIN_PORT: '0',
        DATABASE_URL: database.url,
        AMQP_URL: events.amqpUrl,
        EVENTS_EXCHANGE: events.exchange,
        EVENTS_QUEUE_PREFIX: events.queuePrefix,
        EVENTS_DECLARE_QUEUES_OF: declareQueuesOf,
        GATEWAY_INTERNAL_PUBLIC_KEY: keys.internal.publicKeyPem,
        AUTH_JWT_PRIVATE_KEY: keys.accessTokens.privateKeyPem,
        AUTH_JWT_PUBLIC_KEY: keys.accessTokens.publicKeyPem,
      };
      envs[name] = env;
      subgraphs[name] = await start(env);
    }
    // Subgraphs not started point at a closed port, never at a development instance on its default port.
    const urls = Object.fromEntries(
      allSubgraphs.map(({ name }) => [
        `${name.toUpperCase()}_URL`,
        subgraphs[name]?.url ?? 'http://127.0.0.1:9/graphql',
      ]),
    );
    const fixtureUrls = [];
    for (const fixture of options.fixtures ?? []) {
      const started = await fixture.start(keys);
      fixtureStops.push(started.stop);
      fixtureUrls.push({ name: fixture.name, sdl: fixture.sdl, url: started.url });
    }
    let supergraphPath: Record<string, string> = {};
    if (fixtureUrls.length) {
      supergraphDir = mkdtempSync(join(tmpdir(), 'jobber-supergraph-'));
      const file = join(supergraphDir, 'supergraph.graphql');
      writeFileSync(file, composeSupergraph({}, fixtureUrls).supergraph);
      supergraphPath = { SUPERGRAPH_PATH: file };
    }
    gatewayEnv = {
      ...supergraphPath,
      NODE_ENV: 'test',
      PORT: '0',
      ADMIN_PORT: '0',
      AUTH_JWT_PUBLIC_KEY: keys.accessTokens.publicKeyPem,
      GATEWAY_INTERNAL_PRIVATE_KEY: keys.internal.privateKeyPem,
      ...urls,
      // Tests and benches call far more often than anyone, all from 127.0.0.1: the rate limits
      // are off unless a test of them sets them.
      ...RATE_LIMITS_OFF,
      // Revoked sessions reach the gateway as events (auth.sessions.revoked).
      AMQP_URL: events.amqpUrl,
      EVENTS_EXCHANGE: events.exchange,
      EVENTS_QUEUE_PREFIX: events.queuePrefix,
      EVENTS_DECLARE_QUEUES_OF: declareQueuesOf,
      ...options.gatewayEnv,
    };
    gateway = await startGateway(
      parseGatewayConfig(gatewayEnv),
      createLogger({ service: 'gateway', level: testConfig.TEST_LOG_LEVEL }),
    );
  } catch (error) {
    await stop();
    throw error;
  }

  if (databases.auth) mail.box = new Mailbox(databases.auth.url);
  return {
    client: new GraphQLClient(gateway.url, {}, mail.box),
    gatewayUrl: gateway.url,
    gatewayAdminUrl: gateway.adminUrl,
    keys,
    events,
    databases,
    subgraphs,
    trackQueue(name) {
      extraQueues.push(name);
    },
    async startAnotherGateway(env = {}) {
      const more = await startGateway(
        parseGatewayConfig({ ...gatewayEnv, ...env }),
        createLogger({ service: 'gateway', level: testConfig.TEST_LOG_LEVEL }),
      );
      moreGateways.push(more);
      return more;
    },
    envFor(name) {
      const env = envs[name];
      if (!env) throw new Error(`${name} is not part of this test supergraph`);
      return env;
    },
    stop,
  };
}

/**
 * What the gateway's /readyz reports for each listed subgraph a test file did not start: the
 * kit points the gateway at port 9 for those, which fetch refuses as a bad port.
 */
export function notStartedReadiness(started: readonly SubgraphName[]): Record<string, string> {
  return Object.fromEntries(
    allSubgraphs
      .filter(({ name }) => !started.includes(name))
      .map(({ name }) => [name, 'down: bad port']),
  );
}
