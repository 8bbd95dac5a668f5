// The Kubernetes shape on one machine: two processes of every subgraph and two gateways, each
// its production main.ts in a Node process of its own, with HAProxy (Debian's package) in
// front of each pair as a Service would be. Then:
//   1. a sign-in through gateway 1 and a query with its token through gateway 2;
//   2. chat messages sent through HAProxy (round robin over gateways and chat processes) reach
//      a subscriber whose stream lives on one chat process: they cross replicas;
//   3. under load through HAProxy, one process of each kind is killed (SIGKILL): requests not
//      in flight at a kill must all succeed, and every sign-up's auth.user.registered must
//      become a buyer profile (no event lost), every sent message be stored once.
// Not a test (it needs haproxy and takes the machine for a minute): deploy/local/run.sh.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import { WebSocket } from 'ws';
import { deleteTopology } from '@jobber/events';
import { subgraphs } from '@jobber/supergraph';
import {
  GraphQLClient,
  Mailbox,
  MEMBER_PASSWORD,
  createTestDatabase,
  eventually,
  freePort,
  generateSupergraphKeys,
  productionSubgraphEnv,
  signUpMember,
  signUpMemberVia,
  startServiceProcess,
  testEventNames,
  uniqueTag,
  type RawGraphQLAnswer,
  type ServiceProcess,
  type TestDatabase,
  RATE_LIMITS_OFF,
} from '@jobber/test-kit';

const LOAD_SECONDS = 20;
const KILL_AT_SECONDS = [5, 7, 9, 11, 13];

type Proc = ServiceProcess;

const children: ChildProcess[] = [];

/** One process of `entry` on ports of its own, ready (its /readyz answered 200). */
async function startNode(name: string, entry: string, env: Record<string, string>): Promise<Proc> {
  const started = await startServiceProcess(name, entry, env, 120_000, { quiet: true });
  children.push(started.child);
  return started;
}

/** HAProxy in front of each pair, checking each process's /readyz on its admin port. */
function haproxyConfig(pairs: { name: string; port: number; servers: Proc[] }[]): string {
  const lines = [
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout tunnel 1h',
    // A refused connection (a dead process) is tried again on the other server; nothing that
    // may have reached a server is resent (POSTs are not idempotent).
    '  retries 3',
    '  option redispatch 1',
    // A new server connection per request: an idle connection kept to a process that has just
    // died would take the next request and lose it (sent, so never resent); a fresh connect to
    // it is refused, which is safe to try on the other server.
    '  http-reuse never',
    '  option httpchk',
    '  http-check send meth GET uri /readyz',
    // A gateway's /readyz waits up to 2 s for its (non-critical) subgraph checks: a shorter
    // check timeout took both gateways out at once on a loaded machine (the first run).
    '  timeout check 3s',
    '  default-server inter 1s fall 3 rise 2',
  ];
  for (const pair of pairs) {
    lines.push(`listen ${pair.name}`, `  bind 127.0.0.1:${pair.port}`, '  balance roundrobin');
    for (const server of pair.servers) {
      lines.push(`  server ${server.name} 127.0.0.1:${server.port} check port ${server.adminPort}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

interface Outcome {
  kind: string;
  start: number;
  end: number;
  ok: boolean;
  error?: string;
}

const keys = generateSupergraphKeys();
const events = testEventNames();
const databases: Record<string, TestDatabase> = {};
const pools: pg.Pool[] = [];
const dir = mkdtempSync(join(tmpdir(), 'jobber-haproxy-'));
let failed = false;
try {
  for (const { name } of subgraphs) databases[name] = await createTestDatabase(name);
  const common = productionSubgraphEnv(keys, events);
  const front: Record<string, number> = {};
  for (const { name } of [...subgraphs, { name: 'gateway' }]) front[name] = await freePort();

  const started = Date.now();
  const replicas: Record<string, Proc[]> = {};
  await Promise.all(
    subgraphs.map(async ({ name }) => {
      replicas[name] = [];
      for (const n of [1, 2]) {
        replicas[name].push(
          await startNode(`${name}-${n}`, `subgraphs/${name}/src/main.ts`, {
            ...common,
            DATABASE_URL: databases[name]?.url ?? '',
          }),
        );
      }
    }),
  );
  const gatewayEnv = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'error',
    ...Object.fromEntries(
      subgraphs.map(({ name }) => [
        `${name.toUpperCase()}_URL`,
        `http://127.0.0.1:${front[name]}/graphql`,
      ]),
    ),
    AUTH_JWT_PUBLIC_KEY: keys.accessTokens.publicKeyPem,
    GATEWAY_INTERNAL_PRIVATE_KEY: keys.internal.privateKeyPem,
    AMQP_URL: events.amqpUrl,
    EVENTS_EXCHANGE: events.exchange,
    EVENTS_QUEUE_PREFIX: events.queuePrefix,
    // Every client here is 127.0.0.1.
    ...RATE_LIMITS_OFF,
  };
  // HAProxy first: the gateways' readiness asks each subgraph through it.
  const pairsFor = (): { name: string; port: number; servers: Proc[] }[] =>
    Object.entries(replicas).map(([name, servers]) => ({
      name,
      port: front[name] ?? 0,
      servers,
    }));
  const gateways: Proc[] = [];
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(config, haproxyConfig(pairsFor()));
  let haproxy = spawn('haproxy', ['-f', config, '-db'], { stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(haproxy);
  for (const n of [1, 2]) {
    gateways.push(await startNode(`gateway-${n}`, 'gateway/src/main.ts', gatewayEnv));
  }
  replicas['gateway'] = gateways;
  // Now with the gateways' pair too (a restart of HAProxy: nothing is in flight yet).
  haproxy.kill('SIGTERM');
  await new Promise((resolve) => haproxy.once('exit', resolve));
  writeFileSync(config, haproxyConfig(pairsFor()));
  haproxy = spawn('haproxy', ['-f', config, '-db'], { stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(haproxy);
  const lb = `http://127.0.0.1:${front['gateway']}/graphql`;
  await eventually(
    async () => (await fetch(lb, { method: 'OPTIONS' }).catch(() => null)) !== null,
    {
      timeoutMs: 10_000,
      what: 'haproxy',
    },
  );
  console.log(
    `started 2 × ${subgraphs.map((s) => s.name).join(', ')} and 2 gateways behind HAProxy in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  const authUrl = databases['auth']?.url ?? '';
  const mailbox = new Mailbox(authUrl);
  const [g1, g2] = gateways.map((g) => `http://127.0.0.1:${g.port}/graphql`) as [string, string];

  // 1. Sign-in through gateway 1, a query with its token through gateway 2.
  const ada = await signUpMember(new GraphQLClient(g1, {}, mailbox), {
    username: `ada_${uniqueTag()}`,
  });
  const signIn = await signInThrough(g1, ada);
  const adaToken = signIn.accessToken;
  const viewer = await eventually(
    async () => {
      const data = await new GraphQLClient(g2, { token: adaToken }).data<{
        viewer: { id: string; buyerProfile: { country: string } | null } | null;
      }>('{ viewer { id buyerProfile { country } } }');
      return data.viewer?.buyerProfile ? data.viewer : null;
    },
    { timeoutMs: 30_000, what: 'ada through gateway 2' },
  );
  const signInOk = signIn.userId === ada.id && viewer.id === ada.id;
  console.log(
    `1. sign-in through gateway 1, viewer through gateway 2: ${signInOk ? 'ok' : 'FAILED'}`,
  );
  failed ||= !signInOk;

  // 2. Ada's messageAdded stream lives on one chat process (gateway 1's upstream); Bob's
  //    messages go through HAProxy, round robin over the gateways and the chat processes.
  const bob = await signUpMember(new GraphQLClient(lb, {}, mailbox), {
    username: `bob_${uniqueTag()}`,
  });
  const bobToken = (await signInThrough(lb, bob)).accessToken;
  const SEND =
    'mutation($to: ID, $c: ID, $body: String!) { sendMessage(recipientId: $to, conversationId: $c, body: $body) { conversation { id } } }';
  const bobClient = new GraphQLClient(lb, { token: bobToken });
  const first = await bobClient.data<{ sendMessage: { conversation: { id: string } } }>(SEND, {
    to: ada.id,
    body: 'hello',
  });
  const conversationId = first.sendMessage.conversation.id;
  const received = new Set<string>();
  const socket = createClient({
    url: g1.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${adaToken}` },
    retryAttempts: 0,
  });
  socket.subscribe<{ messageAdded: { body: string } }>(
    {
      query: 'subscription($c: ID!) { messageAdded(conversationId: $c) { body } }',
      variables: { c: conversationId },
    },
    {
      next: (value) => {
        if (value.data) received.add(value.data.messageAdded.body);
      },
      error: (error) => console.error('subscription error', error),
      complete: () => undefined,
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const chatProcesses = replicas['chat'] ?? [];
  const mutationsBefore = await Promise.all(chatProcesses.map((p) => mutationCount(p.adminPort)));
  const bodies = Array.from({ length: 6 }, (_, i) => `hello ${i} ${uniqueTag()}`);
  for (const body of bodies) await bobClient.data(SEND, { c: conversationId, body });
  await eventually(async () => bodies.every((b) => received.has(b)), {
    timeoutMs: 20_000,
    what: 'every message at ada',
  }).catch(() => undefined);
  const mutationsAfter = await Promise.all(chatProcesses.map((p) => mutationCount(p.adminPort)));
  const perChat = mutationsAfter.map((after, i) => after - (mutationsBefore[i] ?? 0));
  const delivered = bodies.filter((b) => received.has(b)).length;
  const crossed = delivered === bodies.length && perChat.every((n) => n > 0);
  console.log(
    `2. chat: ${delivered}/${bodies.length} messages at the subscriber (its stream on one chat process); sendMessage per chat process ${perChat.join(' / ')}: ${crossed ? 'ok' : 'FAILED'}`,
  );
  failed ||= !crossed;
  await socket.dispose();

  // 3. Load through HAProxy, and one process of each kind killed.
  const outcomes: Outcome[] = [];
  /** When each kill was sent, and when the process was seen gone (its sockets closed by then). */
  const kills: { name: string; at: number; gone: number }[] = [];
  const signedUp: string[] = [];
  let messagesOk = 0;
  const loadStart = Date.now();
  const loadEnd = loadStart + LOAD_SECONDS * 1_000;
  const post = async (kind: string, token: string | null, query: string, variables = {}) => {
    const start = Date.now();
    try {
      const response = await fetch(lb, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(15_000),
      });
      const answer = (await response.json()) as RawGraphQLAnswer;
      const error = answer.errors?.[0];
      outcomes.push({
        kind,
        start,
        end: Date.now(),
        ok: response.ok && !error,
        ...(error && { error: `${String(error.extensions?.['code'])}: ${error.message}` }),
      });
      return answer;
    } catch (error) {
      outcomes.push({ kind, start, end: Date.now(), ok: false, error: String(error) });
      return { errors: [{ message: String(error) }] } satisfies RawGraphQLAnswer;
    }
  };
  const page =
    '{ viewer { id username buyerProfile { country } } searchGigs(first: 5) { totalCount } conversations(first: 5) { edges { node { id } } } }';
  const workers = [
    ...Array.from({ length: 3 }, async () => {
      while (Date.now() < loadEnd) await post('page', adaToken, page);
    }),
    (async () => {
      while (Date.now() < loadEnd) {
        const answer = await post(
          'sendMessage',
          bobToken,
          'mutation($c: ID, $body: String!) { sendMessage(conversationId: $c, body: $body) { id } }',
          { c: conversationId, body: `load ${uniqueTag()}` },
        );
        if (!answer.errors) messagesOk += 1;
      }
    })(),
    (async () => {
      while (Date.now() < loadEnd) {
        const { id } = await signUpMemberVia(
          (operation) => post('signUp', null, operation.query, operation.variables),
          mailbox,
          `load_${uniqueTag()}`,
        ).catch(() => ({ id: null }));
        if (id) signedUp.push(id);
      }
    })(),
  ];
  const victims = ['gateway', ...subgraphs.map((s) => s.name)].map((name) => replicas[name]?.[0]);
  const killer = (async () => {
    for (const [i, victim] of victims.entries()) {
      const at = loadStart + (KILL_AT_SECONDS[i] ?? 0) * 1_000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
      if (!victim) continue;
      const kill = { name: victim.name, at: Date.now(), gone: Number.POSITIVE_INFINITY };
      kills.push(kill);
      victim.child.once('exit', () => (kill.gone = Date.now()));
      victim.child.kill('SIGKILL');
    }
  })();
  await Promise.all([...workers, killer]);

  // In flight = under way while a process was being killed: began before it was gone and ended
  // after the signal (the dying process may have had it, or accepted its connection; a
  // process takes some milliseconds from SIGKILL to its sockets being closed).
  const inFlight = (o: Outcome) => kills.some((k) => o.start <= k.gone && o.end >= k.at);
  const failures = outcomes.filter((o) => !o.ok);
  const lost = failures.filter((o) => !inFlight(o));
  const usersPool = new pg.Pool({ connectionString: databases['users']?.url, max: 2 });
  const chatPool = new pg.Pool({ connectionString: databases['chat']?.url, max: 2 });
  pools.push(usersPool, chatPool);
  const profiles = async () =>
    Number(
      (
        await usersPool.query<{ n: string }>(
          'SELECT count(*) AS n FROM buyers WHERE id = ANY($1::uuid[])',
          [signedUp],
        )
      ).rows[0]?.n,
    );
  await eventually(async () => (await profiles()) === signedUp.length, {
    timeoutMs: 60_000,
    what: 'a buyer profile per sign-up',
  }).catch(() => undefined);
  const made = await profiles();
  const stored = Number(
    (
      await chatPool.query<{ n: string }>(
        "SELECT count(*) AS n FROM messages WHERE body LIKE 'load %'",
      )
    ).rows[0]?.n,
  );
  const byKind = (kind: string) => outcomes.filter((o) => o.kind === kind);
  console.log(`3. ${LOAD_SECONDS} s of load through HAProxy; killed (SIGKILL) at +s:`);
  for (const kill of kills)
    console.log(
      `     ${kill.name} at ${((kill.at - loadStart) / 1000).toFixed(2)}, gone ${kill.gone - kill.at} ms later`,
    );
  console.log('   operation     sent    ok  failed  failed in flight  failed not in flight');
  for (const kind of ['page', 'sendMessage', 'signUp']) {
    const all = byKind(kind);
    const bad = all.filter((o) => !o.ok);
    console.log(
      `   ${kind.padEnd(12)} ${String(all.length).padStart(5)} ${String(all.length - bad.length).padStart(5)} ${String(bad.length).padStart(7)} ${String(bad.filter(inFlight).length).padStart(17)} ${String(bad.filter((o) => !inFlight(o)).length).padStart(21)}`,
    );
  }
  for (const failure of failures.slice(0, 8)) {
    console.log(
      `     ${failure.kind} ${inFlight(failure) ? 'in flight' : 'NOT in flight'} (+${((failure.start - loadStart) / 1000).toFixed(2)}–${((failure.end - loadStart) / 1000).toFixed(2)} s): ${failure.error}`,
    );
  }
  console.log(
    `   events: ${signedUp.length} sign-ups completed, ${made} buyer profiles made from auth.user.registered`,
  );
  console.log(`   messages: ${messagesOk} sends answered ok, ${stored} stored`);
  const eventsOk = made === signedUp.length && stored >= messagesOk;
  failed ||= lost.length > 0 || !eventsOk;
  console.log(
    lost.length === 0 && eventsOk
      ? 'no request lost that was not in flight, no event lost'
      : 'FAILED: see above',
  );
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const pool of pools) await pool.end();
  for (const database of Object.values(databases)) await database.drop().catch(() => undefined);
  await deleteTopology(events.amqpUrl, {
    exchange: events.exchange,
    queues: [],
    queuePrefix: events.queuePrefix,
  }).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

/** A session for `member` through the gateway at `url` (its sign-up device: no emailed code). */
async function signInThrough(
  url: string,
  member: { username: string; deviceSecret: string },
): Promise<{ accessToken: string; userId: string }> {
  const data = await new GraphQLClient(url).data<{
    signIn: { accessToken?: string; user?: { id: string } };
  }>(
    `mutation($input: SignInInput!) {
      signIn(input: $input) { ... on AuthSession { accessToken user { id } } }
    }`,
    {
      input: {
        emailOrUsername: member.username,
        password: MEMBER_PASSWORD,
        deviceSecret: member.deviceSecret,
      },
    },
  );
  if (!data.signIn.accessToken || !data.signIn.user) throw new Error('sign-in without a session');
  return { accessToken: data.signIn.accessToken, userId: data.signIn.user.id };
}

/** GraphQL mutations a process has answered, from its admin /metrics. */
async function mutationCount(adminPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('graphql_operation_duration_seconds_count{'))
    .filter((line) => line.includes('type="mutation"'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}
