// Password sign-in through the gateway from a known device (the sign-up's), so every request
// returns a session: one argon2id verification, a session row and a signed access token each.
import { MEMBER_PASSWORD, signUpMember, uniqueTag, type Member } from '@jobber/test-kit';
import { withBenchSupergraph, type BenchSupergraph } from './lib/bench-supergraph.js';
import { machineSummary } from './lib/machine.js';
import { summarize } from './lib/percentiles.js';
import { runAll, runBounded, type RunLimits } from './lib/run-bounded.js';
import { printTable, round, type Cell } from './lib/table.js';

const ACCOUNTS = 20;
const WARM_UP = { count: 20, concurrency: 2, timeLimitMs: 30_000 };
const PHASES: RunLimits[] = [
  { count: 300, concurrency: 1, timeLimitMs: 120_000 },
  { count: 300, concurrency: 4, timeLimitMs: 120_000 },
];

const SIGN_IN = `mutation SignIn($input: SignInInput!) {
  signIn(input: $input) { __typename ... on AuthSession { accessToken refreshToken } }
}`;

/** Sign-in number `i` (round robin over the accounts); throws unless it returns a session. */
async function signIn(
  { supergraph }: BenchSupergraph,
  members: Member[],
  i: number,
): Promise<void> {
  const member = members[i % members.length];
  if (!member) throw new Error('no accounts');
  const data = await supergraph.client.data<{ signIn: { __typename: string } }>(SIGN_IN, {
    input: {
      emailOrUsername: member.username,
      password: MEMBER_PASSWORD,
      deviceSecret: member.deviceSecret,
    },
  });
  if (data.signIn.__typename !== 'AuthSession') {
    throw new Error(`expected a session, got ${data.signIn.__typename}`);
  }
}

async function measure(
  bench: BenchSupergraph,
  members: Member[],
  limits: RunLimits,
): Promise<Record<string, Cell>> {
  bench.statements.auth.reset();
  const run = await runBounded(limits, (i) => signIn(bench, members, i));
  if (run.failed > 0) console.error(`  ${run.failed} failed requests; first: ${run.firstError}`);
  const latency = summarize(run.latenciesMs);
  return {
    concurrency: limits.concurrency,
    requests: run.completed,
    failed: run.failed,
    'req/s': round(run.perSecond),
    'p50 ms': round(latency.p50Ms),
    'p95 ms': round(latency.p95Ms),
    'p99 ms': round(latency.p99Ms),
    'SQL/req auth': round(bench.statements.auth.count / (run.completed + run.failed), 2),
    'CPU %': round(run.cpuPercent, 0),
  };
}

console.log(`sign-in — ${machineSummary()}`);
await withBenchSupergraph(async (bench) => {
  const tag = uniqueTag();
  const members: Member[] = [];
  await runAll({ count: ACCOUNTS, concurrency: 4, timeLimitMs: 60_000 }, async (i) => {
    members.push(await signUpMember(bench.supergraph.client, { username: `signin_${tag}_${i}` }));
  });
  await runAll(WARM_UP, (i) => signIn(bench, members, i));
  const rows: Record<string, Cell>[] = [];
  for (const phase of PHASES) rows.push(await measure(bench, members, phase));
  printTable(`signIn through the gateway (${ACCOUNTS} accounts, argon2id m=19 MiB t=2 p=1)`, rows);
});
