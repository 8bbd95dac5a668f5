// The federation-gateway workload (docs/2026-12-03-gateway-bench.md): four static subgraphs in a
// process of their own, each gateway in its own process on core 1, the load generator (50
// keep-alive connections) on core 0; alternating rounds, responses checked equal first.
// Usage: npm run bench:gateway -w @jobber/bench -- [rounds] [seconds] [contender,contender…]
//        ... -- --profile <contender> [seconds]   (one gateway under --cpu-prof; top self time)
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { freePort, RATE_LIMITS_OFF } from '@jobber/test-kit';
import { generateSupergraphKeys } from '@jobber/test-kit';
import { composeWorkload } from './gateway/compose-workload.js';
import {
  cpuMs,
  firstLine,
  spawnPinned,
  stopPinned,
  waitForAnswer,
  type Pinned,
} from './gateway/processes.js';
import { printTopSelfTime } from './gateway/top-self-time.js';
import { TEST_QUERY } from './gateway/test-query.js';
import { machineSummary } from './lib/machine.js';
import { printTable, round, type Cell } from './lib/table.js';

const GATEWAY_CORE = 1;
const LOAD_CORE = 0;
const CONNECTIONS = 50;
const args = process.argv.slice(2);
const profile = args[0] === '--profile' ? (args[1] ?? 'jobber') : null;
const ROUNDS = profile ? 1 : Number(args[0] ?? 6);
const SECONDS = Number((profile ? args[2] : args[1]) ?? 10);
/** Which gateways run (stock always, the baseline of every ratio); all of them by default. */
const only = profile ? null : (args[2]?.split(',') ?? null);

interface Contender {
  name: string;
  start: (port: number, nodeFlags: string[]) => Pinned;
}

const work = mkdtempSync(join(tmpdir(), 'jobber-gateway-bench-'));
const subgraphs = spawnPinned(LOAD_CORE, 'bench/src/gateway/serve-subgraphs.ts', []);
const urls = JSON.parse(await firstLine(subgraphs)) as Record<string, string>;
const supergraphPath = join(work, 'supergraph.graphql');
writeFileSync(supergraphPath, composeWorkload(urls));
const keys = generateSupergraphKeys();

/** Ours: gateway/src/main.ts, production config, the workload's supergraph and subgraph URLs. */
function ours(executor: 'jobber' | 'apollo', dedup: boolean, waves = true) {
  return (port: number, nodeFlags: string[]) =>
    spawnPinned(
      GATEWAY_CORE,
      'gateway/src/main.ts',
      [],
      {
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        ADMIN_HOST: '127.0.0.1',
        ADMIN_PORT: String(port + 1),
        SUPERGRAPH_PATH: supergraphPath,
        ACCOUNTS_URL: urls['accounts'] ?? '',
        INVENTORY_URL: urls['inventory'] ?? '',
        PRODUCTS_URL: urls['products'] ?? '',
        REVIEWS_URL: urls['reviews'] ?? '',
        AUTH_JWT_PUBLIC_KEY: keys.accessTokens.publicKeyPem,
        GATEWAY_INTERNAL_PRIVATE_KEY: keys.internal.privateKeyPem,
        GATEWAY_EXECUTOR: executor,
        GATEWAY_FETCH_DEDUP: dedup ? 'true' : 'false',
        GATEWAY_FETCH_WAVES: waves ? 'true' : 'false',
        // TestQuery is deeper and costlier than any marketplace screen: raise those limits only.
        MAX_QUERY_DEPTH: '20',
        MAX_QUERY_COST: '1000000',
        MAX_REPEATED_FIELDS: '1000',
        ...RATE_LIMITS_OFF,
      },
      nodeFlags,
    );
}

const contenders: Contender[] = [
  {
    name: 'stock',
    start: (port, nodeFlags) =>
      spawnPinned(
        GATEWAY_CORE,
        'bench/src/gateway/stock-gateway.ts',
        [supergraphPath, String(port)],
        { APOLLO_TELEMETRY_DISABLED: 'true' },
        nodeFlags,
      ),
  },
  { name: 'jobber', start: ours('jobber', false) },
  { name: 'jobber+dedup', start: ours('jobber', true) },
  { name: 'jobber-waves', start: ours('jobber', false, false) },
  { name: 'ours-apollo', start: ours('apollo', false) },
];

const body = JSON.stringify({ query: TEST_QUERY, operationName: 'TestQuery' });

async function load(url: string): Promise<{
  requests: number;
  failed: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}> {
  const generator = spawnPinned(LOAD_CORE, 'bench/src/gateway/load.ts', [
    url,
    String(SECONDS),
    String(CONNECTIONS),
  ]);
  return JSON.parse((await generator.output).trim()) as Awaited<ReturnType<typeof load>>;
}

console.log(
  `gateway workload (TestQuery, ${CONNECTIONS} connections, ${SECONDS} s rounds) — ${machineSummary(
    `gateway on core ${GATEWAY_CORE}; load generator and the four subgraphs (one process) on core ${LOAD_CORE}`,
  )}`,
);
const running: Pinned[] = [];
try {
  const chosen = profile
    ? contenders.filter((c) => c.name === profile)
    : contenders.filter((c) => !only || c.name === 'stock' || only.includes(c.name));
  if (chosen.length === 0) throw new Error(`no contender ${profile ?? ''}`);
  const started: { name: string; url: string; process: Pinned; profileDir: string }[] = [];
  let reference: unknown = null;
  for (const contender of chosen) {
    const port = await freePort();
    const profileDir = join(work, `profile-${contender.name}`);
    const process_ = contender.start(
      port,
      profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    );
    running.push(process_);
    const url = `http://127.0.0.1:${port}/graphql`;
    const answer = await waitForAnswer(url, body);
    if (reference === null) {
      reference = answer;
      console.log(`TestQuery response: ${(JSON.stringify(answer).length / 1000).toFixed(1)} KB`);
      if ((answer as { errors?: unknown }).errors)
        throw new Error(`errors: ${JSON.stringify(answer).slice(0, 1000)}`);
    } else if (!isDeepStrictEqual(answer, reference)) {
      throw new Error(`${contender.name} answers differently from ${chosen[0]?.name ?? ''}`);
    }
    started.push({ name: contender.name, url, process: process_, profileDir });
  }
  // warm-up: a short round each
  const rows: Record<string, Cell>[] = [];
  const ratios: Record<string, number[]> = {};
  for (let r = 1; r <= ROUNDS; r++) {
    const perSecond: Record<string, number> = {};
    for (const gateway of started) {
      const pid = gateway.process.child.pid ?? 0;
      const before = cpuMs(pid);
      const result = await load(gateway.url);
      const cpu = cpuMs(pid) - before;
      perSecond[gateway.name] = result.perSecond;
      rows.push({
        round: r,
        gateway: gateway.name,
        requests: result.requests,
        failed: result.failed,
        'req/s': round(result.perSecond),
        'p50 ms': round(result.p50Ms),
        'p99 ms': round(result.p99Ms),
        'gateway CPU ms/req': round(cpu / Math.max(1, result.requests + result.failed), 2),
      });
    }
    for (const gateway of started.slice(1)) {
      (ratios[gateway.name] ??= []).push(
        (perSecond[gateway.name] ?? 0) / (perSecond[started[0]?.name ?? ''] ?? 1),
      );
    }
  }
  printTable('TestQuery', rows);
  for (const [name, list] of Object.entries(ratios)) {
    const sorted = [...list].sort((a, b) => a - b);
    console.log(
      `req/s ${name} / stock per round: ${list.map((x) => round(x, 2)).join(', ')}; median ${round(sorted[Math.floor(sorted.length / 2)] ?? 0, 2)}`,
    );
  }
  if (profile) {
    await stopPinned(started[0]?.process as Pinned);
    const dir = started[0]?.profileDir ?? '';
    const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no .cpuprofile in ${dir}`);
    console.log(`profile: ${join(dir, file)}`);
    printTopSelfTime(join(dir, file), 25);
  }
} finally {
  await Promise.all(running.map((p) => stopPinned(p)));
  await stopPinned(subgraphs);
}
