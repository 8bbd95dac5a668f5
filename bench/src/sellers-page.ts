// The busiest public list: a page of 50 sellers with their accounts and buyer profiles, joined by
// the gateway across users → auth → users. Prints throughput, latency and SQL statements per request.
import {
  becomeSeller,
  signUpMember,
  uniqueTag,
  waitForBuyerProfile,
  type Member,
} from '@jobber/test-kit';
import { withBenchSupergraph, type BenchSupergraph } from './lib/bench-supergraph.js';
import { machineSummary } from './lib/machine.js';
import { summarize } from './lib/percentiles.js';
import { runAll, runBounded, type RunLimits } from './lib/run-bounded.js';
import { printTable, round, type Cell } from './lib/table.js';

const SELLERS = 200;
const SEED_CONCURRENCY = 8;
const PAGE_SIZE = 50;
const WARM_UP = { count: 100, concurrency: 4, timeLimitMs: 30_000 };
const PHASES: RunLimits[] = [
  { count: 500, concurrency: 1, timeLimitMs: 120_000 },
  { count: 2_000, concurrency: 16, timeLimitMs: 180_000 },
];

const QUERY = `query SellersPage($first: Int!) {
  sellers(first: $first) {
    edges { node { fullName skills stats { gigCount } user { id username buyerProfile { country } } } }
    pageInfo { endCursor }
  }
}`;

interface SellersPage {
  sellers: {
    edges: { node: { fullName: string; user: { username: string; buyerProfile: unknown } } }[];
  };
}

async function seedSellers({ supergraph }: BenchSupergraph): Promise<number> {
  const tag = uniqueTag();
  const seeding = await runAll(
    { count: SELLERS, concurrency: SEED_CONCURRENCY, timeLimitMs: 300_000 },
    async (i) => {
      const member: Member = await signUpMember(supergraph.client, {
        username: `seller_${tag}_${i}`,
      });
      await waitForBuyerProfile(member);
      await becomeSeller(member, { skills: ['design', 'typescript', 'graphql'] });
    },
  );
  return seeding.elapsedMs;
}

/** One page request; throws unless it is a full page of complete sellers. */
async function requestPage({ supergraph }: BenchSupergraph): Promise<void> {
  const data = await supergraph.client.data<SellersPage>(QUERY, { first: PAGE_SIZE });
  const edges = data.sellers.edges;
  if (edges.length !== PAGE_SIZE || edges.some((edge) => !edge.node.user.buyerProfile)) {
    throw new Error(`incomplete page: ${edges.length} sellers`);
  }
}

async function measure(bench: BenchSupergraph, limits: RunLimits): Promise<Record<string, Cell>> {
  bench.statements.auth.reset();
  bench.statements.users.reset();
  const run = await runBounded(limits, () => requestPage(bench));
  if (run.failed > 0) console.error(`  ${run.failed} failed requests; first: ${run.firstError}`);
  const latency = summarize(run.latenciesMs);
  const requests = run.completed + run.failed;
  return {
    concurrency: limits.concurrency,
    requests: run.completed,
    failed: run.failed,
    'req/s': round(run.perSecond),
    'p50 ms': round(latency.p50Ms),
    'p95 ms': round(latency.p95Ms),
    'p99 ms': round(latency.p99Ms),
    'SQL/req auth': round(bench.statements.auth.count / requests, 2),
    'SQL/req users': round(bench.statements.users.count / requests, 2),
    'CPU %': round(run.cpuPercent, 0),
  };
}

console.log(`sellers-page — ${machineSummary()}`);
await withBenchSupergraph(async (bench) => {
  const seedMs = await seedSellers(bench);
  console.log(
    `seeded ${SELLERS} sellers (sign-up, buyer profile by event, becomeSeller) at concurrency ${SEED_CONCURRENCY} in ${round(seedMs / 1000, 2)} s`,
  );
  await runAll(WARM_UP, () => requestPage(bench));
  const rows: Record<string, Cell>[] = [];
  for (const phase of PHASES) rows.push(await measure(bench, phase));
  printTable(`sellers(first: ${PAGE_SIZE}) through the gateway`, rows);
});
