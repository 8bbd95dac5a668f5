// Sign-ups at a fixed rate past what auth can take on a pool of 2 connections: the gateway, auth
// and users each in a Node process of their own (their production main.ts), the load from this
// one. Every answer is counted by outcome: ok, UNAVAILABLE (retryable, what overload must give),
// INTERNAL_SERVER_ERROR (what it gave before), or anything else. Run: npm run bench:overload.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { deleteTopology } from '@jobber/events';
import {
  createTestDatabase,
  generateSupergraphKeys,
  Mailbox,
  type PostOperation,
  type RawGraphQLAnswer,
  type ServiceProcess,
  signUpMemberVia,
  startServiceProcess,
  stopServiceProcess,
  testConfig,
  type TestDatabase,
  testEventNames,
  uniqueTag,
} from '@jobber/test-kit';
import { machineSummary } from './lib/machine.js';
import { summarize } from './lib/percentiles.js';
import { printTable, round } from './lib/table.js';

const RATE_PER_SECOND = Number(process.argv[2] ?? 34);
const SECONDS = Number(process.argv[3] ?? 60);
const AUTH_POOL_SIZE = 2;
/** A sign-up not answered in this long counts as `timeout` (the load never waits longer). */
const REQUEST_TIMEOUT_MS = 30_000;

type Outcome = 'ok' | 'UNAVAILABLE' | 'INTERNAL_SERVER_ERROR' | 'other';

/** One sign-up in both steps over fetch: the outcome of the first step that was not a success. */
async function signUp(
  gatewayUrl: string,
  mailbox: Mailbox,
  username: string,
): Promise<{ outcome: Outcome; detail: string }> {
  const post: PostOperation = async (operation) => {
    const response = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(operation),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await response.json()) as RawGraphQLAnswer;
    return body.errors?.length || body.data
      ? body
      : { errors: [{ message: 'no data', extensions: { code: `HTTP ${response.status}` } }] };
  };
  try {
    const answer = await signUpMemberVia(post, mailbox, username);
    if (answer.id) return { outcome: 'ok', detail: 'ok' };
    const code = String(answer.errors[0]?.extensions?.['code'] ?? 'no id');
    if (code === 'UNAVAILABLE' || code === 'INTERNAL_SERVER_ERROR')
      return { outcome: code, detail: code };
    return { outcome: 'other', detail: code };
  } catch (error) {
    // fetch's own failures: a timeout of ours, or the connection (its cause says how).
    if (error instanceof Error && error.name === 'TimeoutError') {
      return { outcome: 'other', detail: 'timeout' };
    }
    const cause =
      error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
    return { outcome: 'other', detail: cause?.code ?? String(error) };
  }
}

async function main(): Promise<void> {
  const started = [loadavg()[0] ?? 0];
  console.log(
    `overload — ${machineSummary('the gateway, auth and users each in a Node process of their own, the load in another')}`,
  );
  console.log(
    `sign-ups at ${RATE_PER_SECOND}/s for ${SECONDS} s through the gateway; auth on DATABASE_POOL_SIZE=${AUTH_POOL_SIZE}`,
  );
  const keys = generateSupergraphKeys();
  const events = testEventNames();
  const databases: TestDatabase[] = [];
  const services: ServiceProcess[] = [];
  const mailboxes: Mailbox[] = [];
  const stop = async () => {
    for (const service of services.reverse()) await stopServiceProcess(service);
    await Promise.all(mailboxes.map((mailbox) => mailbox.close()));
    await Promise.all(databases.map((database) => database.drop()));
    await deleteTopology(events.amqpUrl, {
      exchange: events.exchange,
      queues: [`${events.queuePrefix}users.accounts`],
      queuePrefix: events.queuePrefix,
    });
  };
  const onSignal = () => {
    console.error('\ninterrupted: stopping the services and removing what they created');
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const common = {
      NODE_ENV: 'test',
      LOG_LEVEL: testConfig.TEST_LOG_LEVEL,
      AMQP_URL: events.amqpUrl,
      EVENTS_EXCHANGE: events.exchange,
      EVENTS_QUEUE_PREFIX: events.queuePrefix,
      GATEWAY_INTERNAL_PUBLIC_KEY: keys.internal.publicKeyPem,
      AUTH_JWT_PUBLIC_KEY: keys.accessTokens.publicKeyPem,
    };
    const authDb = await createTestDatabase('auth');
    databases.push(authDb);
    mailboxes.push(new Mailbox(authDb.url));
    const [mailbox] = mailboxes;
    if (!mailbox) throw new Error('no mailbox');
    const usersDb = await createTestDatabase('users');
    databases.push(usersDb);
    const auth = await startServiceProcess('auth', 'subgraphs/auth/src/main.ts', {
      ...common,
      DATABASE_URL: authDb.url,
      DATABASE_POOL_SIZE: String(AUTH_POOL_SIZE),
      AUTH_JWT_PRIVATE_KEY: keys.accessTokens.privateKeyPem,
    });
    services.push(auth);
    const users = await startServiceProcess('users', 'subgraphs/users/src/main.ts', {
      ...common,
      DATABASE_URL: usersDb.url,
    });
    services.push(users);
    const gateway = await startServiceProcess('gateway', 'gateway/src/main.ts', {
      NODE_ENV: 'test',
      LOG_LEVEL: testConfig.TEST_LOG_LEVEL,
      AUTH_JWT_PUBLIC_KEY: keys.accessTokens.publicKeyPem,
      GATEWAY_INTERNAL_PRIVATE_KEY: keys.internal.privateKeyPem,
      AUTH_URL: auth.url,
      USERS_URL: users.url,
      // The load comes from one address, far past the per-address limits: this bench measures
      // auth's overload, not the gateway's rate limits (off, as in the test supergraphs).
      RATE_LIMIT_OPERATIONS_PER_IP: '0',
      RATE_LIMIT_OPERATIONS_PER_ACCOUNT: '0',
      RATE_LIMIT_SENSITIVE_PER_IP: '0',
      RATE_LIMIT_SENSITIVE_PER_ACCOUNT: '0',
    });
    services.push(gateway);
    started.push(loadavg()[0] ?? 0);

    // Open loop: sign-up i starts at i / rate seconds whatever the earlier ones are doing.
    const total = RATE_PER_SECOND * SECONDS;
    const tag = uniqueTag();
    const answers: { outcome: Outcome; detail: string; ms: number }[] = [];
    const inFlight: Promise<void>[] = [];
    const begin = performance.now();
    for (let i = 0; i < total; i++) {
      const due = begin + (i * 1000) / RATE_PER_SECOND;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const sent = performance.now();
      inFlight.push(
        signUp(gateway.url, mailbox, `over_${tag}_${i}`).then((answer) => {
          answers.push({ ...answer, ms: performance.now() - sent });
        }),
      );
    }
    const sendingSeconds = (performance.now() - begin) / 1000;
    await Promise.all(inFlight);
    const elapsedSeconds = (performance.now() - begin) / 1000;

    const outcomes: Outcome[] = ['ok', 'UNAVAILABLE', 'INTERNAL_SERVER_ERROR', 'other'];
    const rows: Record<string, string | number>[] = outcomes.map((outcome) => {
      const of = answers.filter((answer) => answer.outcome === outcome);
      const latency = summarize(of.map((answer) => answer.ms));
      return {
        outcome,
        answers: of.length,
        '%': round((100 * of.length) / answers.length),
        'p50 ms': of.length ? round(latency.p50Ms) : '-',
        'p99 ms': of.length ? round(latency.p99Ms) : '-',
      };
    });
    const all = summarize(answers.map((answer) => answer.ms));
    rows.push({
      outcome: 'all',
      answers: answers.length,
      '%': 100,
      'p50 ms': round(all.p50Ms),
      'p99 ms': round(all.p99Ms),
    });
    printTable(
      `${answers.length} sign-ups sent in ${sendingSeconds.toFixed(1)} s, all answered after ${elapsedSeconds.toFixed(1)} s`,
      rows,
    );
    const others = answers.filter((answer) => answer.outcome === 'other');
    if (others.length) {
      const details: Record<string, number> = {};
      for (const answer of others) details[answer.detail] = (details[answer.detail] ?? 0) + 1;
      console.log(`  other: ${JSON.stringify(details)}`);
    }
    started.push(loadavg()[0] ?? 0);
    console.log(
      `  load average (1 min) at start / after start-up / at the end: ${started.map((load) => load.toFixed(1)).join(' / ')}`,
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stop();
  }
}

await main();
