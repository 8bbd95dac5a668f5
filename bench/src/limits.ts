// The operation limits under attack: does a normal page stay fast while an attacker sends, at
// concurrency 8, the worst queries the gateway refuses and the worst it lets through? The
// subgraphs (auth and users) run in one process, the gateway in another, and this process is
// only the load: the client of both the normal user and the attacker.
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { parseGatewayConfig, startGateway } from '@jobber/gateway';
import { createLogger } from '@jobber/service-kit';
import {
  GraphQLClient,
  Mailbox,
  becomeSeller,
  signUpMember,
  startTestSupergraph,
  waitForBuyerProfile,
} from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';
import { machineSummary } from './lib/machine.js';
import { summarize } from './lib/percentiles.js';
import { runAll, runBounded, type RunResult } from './lib/run-bounded.js';
import { printTable, round } from './lib/table.js';

const SELLERS = 24;
const CONCURRENCY = 8;
const NORMAL = { count: 800, concurrency: CONCURRENCY, timeLimitMs: 90_000 };

const NORMAL_QUERY = `{ sellers(first: 20) {
  edges { node { fullName skills stats { gigCount } user { id username buyerProfile { country } } } }
  pageInfo { endCursor } } }`;

const repeat = (count: number, item: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => item(i)).join(' ');
const page = (alias: string, first: number) =>
  `${alias}: sellers(first: ${first}) { edges { node { fullName skills stats { gigCount } user { id username buyerProfile { country } } } } pageInfo { endCursor } }`;
const fragmentBomb = `{ ...F0 } ${repeat(22, (i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`)} fragment F22 on Query { __typename }`;
const nest = (levels: number): string =>
  levels === 0 ? 'id' : `sellerProfile { user { ${nest(levels - 1)} } }`;

/** Issue 13's attacks, each refused by a limit (400). */
const REFUSED: Record<string, string> = {
  'fragment bomb (cost 2^22)': fragmentBomb,
  '1,000 × sellers(first: 100) (tokens)': `{ ${repeat(1_000, (i) => page(`s${i}`, 100))} }`,
  '50,000 __typename aliases (tokens)': `{ ${repeat(50_000, (i) => `a${i}: __typename`)} }`,
  '4,000-fragment chain (tokens)': `{ ...F0 } ${repeat(4_000, (i) => `fragment F${i} on Query { ...F${i + 1} }`)} fragment F4000 on Query { __typename }`,
  '30 × sellers(first: 100) (cost)': `{ ${repeat(30, (i) => `s${i}: sellers(first: 100) { edges { cursor } }`)} }`,
  '4,000 nested brackets (depth)': `{ ${'viewer { '.repeat(4_000)}id${' }'.repeat(4_001)}`,
};

/** The most each limit lets through. */
const ALLOWED: Record<string, string> = {
  'three pages of 100 sellers (cost 3,903 of 5,000)': `{ ${repeat(3, (i) => page(`p${i}`, 100))} }`,
  '19 pages of 20 sellers (cost 4,959)': `{ ${repeat(19, (i) => page(`p${i}`, 20))} }`,
  '12 levels deep': `{ viewer { ${nest(5)} } }`,
  '50 aliases, 50 directives, 100 repeated fields': `{ viewer { ${repeat(50, (i) => `a${i}: id @include(if: true)`)} ${repeat(101, () => 'id')} } }`,
};

type Ready = { kind: 'ready'; env: Record<string, string> };

// ---------- child processes ----------

async function services(): Promise<void> {
  const supergraph = await startTestSupergraph({
    auth: (env) => startAuthService(parseAuthConfig(env)),
    users: (env) => startUsersService(parseUsersConfig(env)),
  });
  // (startTestSupergraph also starts a gateway here; the bench never calls it.)
  process.send?.({
    kind: 'ready',
    env: {
      AUTH_URL: supergraph.subgraphs.auth?.url ?? '',
      USERS_URL: supergraph.subgraphs.users?.url ?? '',
      AUTH_JWT_PUBLIC_KEY: supergraph.keys.accessTokens.publicKeyPem,
      GATEWAY_INTERNAL_PRIVATE_KEY: supergraph.keys.internal.privateKeyPem,
      // Where the parent reads the sign-up confirmations (not for the gateway).
      AUTH_DATABASE_URL: supergraph.databases.auth?.url ?? '',
    },
  } satisfies Ready);
  await new Promise((resolve) => process.once('message', resolve));
  await supergraph.stop();
}

async function gateway(env: Record<string, string>): Promise<void> {
  const server = await startGateway(
    // Behind one proxy, as deployed: the normal users and the attacker are different clients.
    parseGatewayConfig({
      NODE_ENV: 'production',
      PORT: '0',
      ADMIN_PORT: '0',
      TRUST_PROXY: '1',
      ...env,
    }),
    createLogger({ service: 'gateway', level: 'warn' }),
  );
  process.send?.({ kind: 'ready', env: { GATEWAY_URL: server.url } } satisfies Ready);
  await new Promise((resolve) => process.once('message', resolve));
  await server.stop(1_000);
}

// ---------- the load ----------

function start(role: string, env: Record<string, string> = {}) {
  const child = fork(fileURLToPath(import.meta.url), [role, JSON.stringify(env)]);
  const ready = new Promise<Record<string, string>>((resolve, reject) => {
    child.once('message', (message: Ready) => resolve(message.env));
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
  return { child, ready };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('stop');
  await exited;
}

/** The address our one proxy saw: the attacker is one client, the normal load 200 users. */
const ATTACKER = '203.0.113.66';
const user = (i: number) => `10.0.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`;
const USERS = 200;

async function post(
  url: string,
  query: string,
  client = user(0),
): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, text: await response.text() };
}

/** The normal page at concurrency 8, with an attacker sending `attack` at concurrency 8 meanwhile. */
async function phase(url: string, attack: readonly string[]) {
  let attacking = attack.length > 0;
  let attacks = 0;
  let unexpected = 0;
  const statuses: Record<number, number> = {};
  const attacker = async () => {
    while (attacking) {
      const query = attack[attacks++ % attack.length] ?? '';
      await post(url, query, ATTACKER).then(
        ({ status }) => (statuses[status] = (statuses[status] ?? 0) + 1),
        () => unexpected++,
      );
    }
  };
  const attackers = attack.length ? Array.from({ length: CONCURRENCY }, attacker) : [];
  let sent = 0;
  const normal: RunResult = await runBounded(NORMAL, async () => {
    const answer = await post(url, NORMAL_QUERY, user(sent++ % USERS));
    if (answer.status !== 200 || answer.text.includes('"errors"')) {
      throw new Error(`normal page: ${answer.status} ${answer.text.slice(0, 200)}`);
    }
  });
  attacking = false;
  await Promise.all(attackers);
  return { normal, attacks, unexpected, statuses };
}

async function parent(): Promise<void> {
  console.log(
    `limits — ${machineSummary().replace(/;.*$/, '')}; subgraphs, gateway and load in three processes; load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')}`,
  );
  const subgraphs = start('services');
  let gatewayProcess: ChildProcess | undefined;
  let mailbox: Mailbox | undefined;
  try {
    const { AUTH_DATABASE_URL: authDatabaseUrl = '', ...env } = await subgraphs.ready;
    mailbox = new Mailbox(authDatabaseUrl);
    const gatewayStart = start('gateway', env);
    gatewayProcess = gatewayStart.child;
    const { GATEWAY_URL: url = '' } = await gatewayStart.ready;
    const client = new GraphQLClient(url).withMailbox(mailbox);
    await runAll({ count: SELLERS, concurrency: 4, timeLimitMs: 120_000 }, async () => {
      const member = await signUpMember(client);
      await waitForBuyerProfile(member);
      await becomeSeller(member);
    });
    for (const [name, query] of Object.entries(REFUSED)) {
      const answer = await post(url, query);
      if (answer.status !== 400) throw new Error(`${name}: expected 400, got ${answer.status}`);
    }
    for (const [name, query] of Object.entries(ALLOWED)) {
      const answer = await post(url, query);
      if (answer.status !== 200 || answer.text.includes('"errors"')) {
        throw new Error(
          `${name}: expected an answer, got ${answer.status} ${answer.text.slice(0, 300)}`,
        );
      }
    }
    await runBounded({ count: 100, concurrency: 4, timeLimitMs: 30_000 }, () =>
      post(url, NORMAL_QUERY).then(() => undefined),
    );
    const rows = [];
    let baselineP99 = Number.NaN;
    for (const [name, attack] of [
      ['none (baseline)', []],
      ['refused attacks (issue 13)', Object.values(REFUSED)],
      ['the most each limit allows', Object.values(ALLOWED)],
    ] as const) {
      const { normal, attacks, unexpected, statuses } = await phase(url, attack);
      const latency = summarize(normal.latenciesMs);
      if (Number.isNaN(baselineP99)) baselineP99 = latency.p99Ms;
      rows.push({
        attacker: name,
        'normal req': normal.completed,
        failed: normal.failed,
        'normal req/s': round(normal.perSecond),
        'p50 ms': round(latency.p50Ms),
        'p99 ms': round(latency.p99Ms),
        'p99 × baseline': round(latency.p99Ms / baselineP99, 2),
        'attack req': attacks,
        'attack req/s': round(attacks / (normal.elapsedMs / 1000)),
        'attack answers': Object.entries(statuses)
          .map(([status, count]) => `${count} × ${status}`)
          .join(', '),
        'attack errors': unexpected,
      });
      if (normal.firstError) console.log(`  first failure: ${normal.firstError}`);
    }
    printTable(
      `normal page (sellers(first: 20), concurrency ${CONCURRENCY}) while an attacker sends at concurrency ${CONCURRENCY}`,
      rows,
    );
  } finally {
    await mailbox?.close();
    if (gatewayProcess) await stop(gatewayProcess);
    await stop(subgraphs.child);
  }
}

const [role, envJson] = process.argv.slice(2);
if (role === undefined) await parent();
else if (role === 'services') await services();
else if (role === 'gateway') await gateway(JSON.parse(envJson ?? '{}') as Record<string, string>);
else throw new Error(`unknown role ${role}`);
if (role !== undefined) process.disconnect?.();
