// The sellers page through two gateway processes on the same subgraphs, one per executor
// (GATEWAY_EXECUTOR=jobber | apollo), in alternating rounds: requests per second, latency, and
// the gateway process's own CPU time per request (from /proc). Responses are checked equal first.
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import {
  becomeSeller,
  signUpMember,
  startServiceProcess,
  stopServiceProcess,
  uniqueTag,
  waitForBuyerProfile,
  type ServiceProcess,
} from '@jobber/test-kit';
import { withBenchSupergraph } from './lib/bench-supergraph.js';
import { machineSummary } from './lib/machine.js';
import { summarize } from './lib/percentiles.js';
import { runAll, runBounded } from './lib/run-bounded.js';
import { printTable, round, type Cell } from './lib/table.js';

const SELLERS = 60;
const PAGE_SIZE = 50;
const ROUNDS = Number(process.argv[2] ?? 3);
const ROUND = { count: 600, concurrency: 16, timeLimitMs: 60_000 };
const EXECUTORS = ['jobber', 'apollo'] as const;

const QUERY = `query SellersPage($first: Int!) {
  sellers(first: $first) {
    edges { node { fullName skills stats { gigCount } user { id username buyerProfile { country } } } }
    pageInfo { endCursor }
  }
}`;

/** User + system CPU of a process so far, in ms (Linux /proc; 100 ticks a second). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function page(url: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY, variables: { first: PAGE_SIZE } }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body;
}

console.log(`gateway executors on the sellers page — ${machineSummary()}`);
await withBenchSupergraph(async ({ supergraph }) => {
  const tag = uniqueTag();
  await runAll({ count: SELLERS, concurrency: 8, timeLimitMs: 300_000 }, async (i) => {
    const member = await signUpMember(supergraph.client, { username: `seller_${tag}_${i}` });
    await waitForBuyerProfile(member);
    await becomeSeller(member, { skills: ['design', 'typescript', 'graphql'] });
  });
  const gateways: Record<string, ServiceProcess> = {};
  for (const executor of EXECUTORS) {
    gateways[executor] = await startServiceProcess(
      `gateway-${executor}`,
      'gateway/src/main.ts',
      {
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        GATEWAY_EXECUTOR: executor,
        AUTH_JWT_PUBLIC_KEY: supergraph.keys.accessTokens.publicKeyPem,
        GATEWAY_INTERNAL_PRIVATE_KEY: supergraph.keys.internal.privateKeyPem,
        AUTH_URL: supergraph.subgraphs.auth?.url ?? '',
        USERS_URL: supergraph.subgraphs.users?.url ?? '',
        RATE_LIMIT_OPERATIONS_PER_IP: '0',
        RATE_LIMIT_OPERATIONS_PER_ACCOUNT: '0',
        RATE_LIMIT_COST_PER_IP: '0',
        RATE_LIMIT_COST_PER_ACCOUNT: '0',
      },
      60_000,
      { quiet: true },
    );
  }
  try {
    const answers = await Promise.all(EXECUTORS.map((e) => page(gateways[e]?.url ?? '')));
    if (!isDeepStrictEqual(answers[0], answers[1]))
      throw new Error('the executors answer differently');
    for (const executor of EXECUTORS)
      await runAll({ count: 200, concurrency: 8, timeLimitMs: 30_000 }, () =>
        page(gateways[executor]?.url ?? '').then(() => undefined),
      );
    const rows: Record<string, Cell>[] = [];
    const ratios: number[] = [];
    for (let round_ = 1; round_ <= ROUNDS; round_++) {
      const perSecond: Record<string, number> = {};
      for (const executor of EXECUTORS) {
        const gateway = gateways[executor] as ServiceProcess;
        const pid = gateway.child.pid ?? 0;
        const before = cpuMs(pid);
        const run = await runBounded(ROUND, () => page(gateway.url).then(() => undefined));
        const cpu = cpuMs(pid) - before;
        const latency = summarize(run.latenciesMs);
        perSecond[executor] = run.perSecond;
        rows.push({
          round: round_,
          executor,
          requests: run.completed,
          failed: run.failed,
          'req/s': round(run.perSecond),
          'p50 ms': round(latency.p50Ms),
          'p99 ms': round(latency.p99Ms),
          'gateway CPU ms/req': round(cpu / Math.max(1, run.completed + run.failed), 2),
        });
      }
      ratios.push((perSecond['jobber'] ?? 0) / (perSecond['apollo'] ?? 1));
    }
    printTable(`sellers(first: ${PAGE_SIZE}), concurrency ${ROUND.concurrency}`, rows);
    const sorted = [...ratios].sort((a, b) => a - b);
    console.log(
      `req/s jobber / apollo per round: ${ratios.map((r) => round(r, 2)).join(', ')}; median ${round(sorted[Math.floor(sorted.length / 2)] ?? 0, 2)}`,
    );
  } finally {
    await Promise.all(Object.values(gateways).map((gateway) => stopServiceProcess(gateway)));
  }
});
