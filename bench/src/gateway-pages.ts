// The marketplace's own pages through two gateway processes on the same subgraphs, one per
// executor (GATEWAY_EXECUTOR=jobber | apollo), in alternating rounds: the sellers page, a search
// results page and a gig page with its seller and reviews. Every subgraph and each gateway runs
// its production main.ts in a Node process of its own, the load comes from this one; the data is
// made by `npm run seed` through a third gateway. Prints requests per second, latency and each
// gateway process's own CPU time per request (from /proc), responses checked equal first.
// Run: npm run bench:gateway-pages -w @jobber/bench -- [rounds] [requests per round] [--profile]
// (--profile: both gateways under --cpu-prof, each one's top self time printed at the end).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { deleteTopology } from '@jobber/events';
import { repoRoot, subgraphs } from '@jobber/supergraph';
import {
  childProcessEnv,
  createTestDatabase,
  freePort,
  generateSupergraphKeys,
  productionSubgraphEnv,
  startServiceProcess,
  stopServiceProcess,
  testEventNames,
  type ServiceProcess,
  type TestDatabase,
  RATE_LIMITS_OFF,
} from '@jobber/test-kit';
import { cpuMs } from './gateway/processes.js';
import { printTopSelfTime } from './gateway/top-self-time.js';
import { machineSummary } from './lib/machine.js';
import { summarize } from './lib/percentiles.js';
import { runBounded } from './lib/run-bounded.js';
import { printTable, round, type Cell } from './lib/table.js';

const args = process.argv.slice(2);
const PROFILE = args.includes('--profile');
const [ROUNDS, REQUESTS] = [Number(args[0] ?? 5), Number(args[1] ?? 600)];
const CONCURRENCY = 16;
/** Requests to each gateway per page before any is measured (the JIT warm, as deployed). */
const WARM_UP = 400;
/**
 * jobber: ours (GATEWAY_EXECUTOR=jobber, the default); apollo: ours on stock execution
 * (GATEWAY_EXECUTOR=apollo); stock: stock @apollo/gateway in front of the same subgraphs
 * (gateway/stock-marketplace-gateway.ts).
 */
const CONTENDERS = ['jobber', 'apollo', 'stock'] as const;
type Contender = (typeof CONTENDERS)[number];
type Executor = Exclude<Contender, 'stock'>;
/** What `npm run seed` makes here: a small marketplace with reviewed orders. */
const SEED_ARGS = [
  ...['--buyers', '60', '--sellers', '30', '--gigs', '300'],
  ...['--conversations', '0', '--orders', '150'],
];

const CARD = `id title category subCategory price { amountCents currency } deliveryDays coverImageUrl
  rating { count average } seller { id username sellerProfile { fullName } }`;

interface Page {
  name: string;
  query: string;
  variables: Record<string, unknown>;
}

const SELLERS_PAGE: Page = {
  name: 'sellers page',
  query: `query SellersPage($first: Int!) {
    sellers(first: $first) {
      edges { node { fullName skills stats { gigCount ratingAverage } user { id username buyerProfile { country } } } }
      pageInfo { endCursor }
    }
  }`,
  variables: { first: 50 },
};

const searchPage = (word: string): Page => ({
  name: `search page ("${word}", 20 of them, facets)`,
  query: `query SearchPage($query: String, $first: Int) {
    searchGigs(query: $query, first: $first) {
      totalCount facets { category count }
      edges { cursor node { ${CARD} } }
      pageInfo { hasNextPage endCursor }
    }
  }`,
  variables: { query: word, first: 20 },
});

const gigPage = (id: string): Page => ({
  name: 'gig page (seller, 10 reviews, similar gigs)',
  query: `query GigPage($id: ID!) {
    gig(id: $id) {
      ${CARD} description tags rating { counts { one two three four five } }
      seller { sellerProfile { description skills languages { language level } stats { ratingAverage completedJobs gigCount } } }
      reviews(first: 10) { edges { node { id rating comment createdAt reviewer { id username buyerProfile { country } } reply { body } } } }
    }
    similarGigs(gigId: $id, first: 6) { ${CARD} }
  }`,
  variables: { id },
});

async function ask(url: string, page: Page): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: page.query, variables: page.variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

function run(command: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: childProcessEnv(env),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}`)),
    );
  });
}

console.log(
  `gateway pages — ${machineSummary('every subgraph and each gateway in a Node process of its own, the load in another')}`,
);
const keys = generateSupergraphKeys();
const events = testEventNames();
const databases: TestDatabase[] = [];
const services: ServiceProcess[] = [];
try {
  const common = productionSubgraphEnv(keys, events);
  const urls: Record<string, string> = {};
  let authDatabaseUrl = '';
  for (const { name } of subgraphs) {
    const database = await createTestDatabase(name);
    databases.push(database);
    if (name === 'auth') authDatabaseUrl = database.url;
    const service = await startServiceProcess(
      name,
      `subgraphs/${name}/src/main.ts`,
      { ...common, DATABASE_URL: database.url },
      120_000,
      { quiet: true },
    );
    services.push(service);
    urls[`${name.toUpperCase()}_URL`] = service.url;
  }
  const gatewayEnv = (executor: Executor, more: Record<string, string> = {}) => ({
    NODE_ENV: 'production',
    LOG_LEVEL: 'error',
    GATEWAY_EXECUTOR: executor,
    AUTH_JWT_PUBLIC_KEY: keys.accessTokens.publicKeyPem,
    GATEWAY_INTERNAL_PRIVATE_KEY: keys.internal.privateKeyPem,
    ...urls,
    ...RATE_LIMITS_OFF,
    ...more,
  });

  // The data: `npm run seed` through a gateway of its own (it introspects: PLAYGROUND=true).
  const seeding = await startServiceProcess(
    'gateway-seed',
    'gateway/src/main.ts',
    gatewayEnv('jobber', { PLAYGROUND: 'true' }),
    60_000,
    { quiet: true },
  );
  const seedStarted = Date.now();
  await run('npm', ['run', 'seed', '-w', '@jobber/seed', '--', ...SEED_ARGS], {
    GATEWAY_URL: seeding.url,
    AUTH_DATABASE_URL: authDatabaseUrl,
  });
  console.log(`seeded in ${((Date.now() - seedStarted) / 1000).toFixed(0)} s`);
  await stopServiceProcess(seeding);

  const gateways = {} as Record<Contender, ServiceProcess>;
  const profiles = {} as Record<Contender, string>;
  for (const contender of CONTENDERS) {
    profiles[contender] = mkdtempSync(join(tmpdir(), `jobber-pages-${contender}-`));
    const nodeFlags = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profiles[contender]}`] : [];
    gateways[contender] =
      contender === 'stock'
        ? await startStockGateway(
            { GATEWAY_INTERNAL_PRIVATE_KEY: keys.internal.privateKeyPem, ...urls },
            nodeFlags,
          )
        : await startServiceProcess(
            `gateway-${contender}`,
            'gateway/src/main.ts',
            gatewayEnv(contender),
            60_000,
            { quiet: true, nodeFlags },
          );
    services.push(gateways[contender]);
  }

  // The search word and the gig: the most common title word, and the gig with most reviews.
  const probe = (await ask(gateways.jobber.url, {
    name: 'probe',
    query: `{ searchGigs(sort: RATING, first: 50) { edges { node { id title rating { count } } } } }`,
    variables: {},
  })) as {
    searchGigs: { edges: { node: { id: string; title: string; rating: { count: number } } }[] };
  };
  const nodes = probe.searchGigs.edges.map((edge) => edge.node);
  const reviewed = [...nodes].sort((a, b) => b.rating.count - a.rating.count)[0];
  if (!reviewed?.rating.count) throw new Error('the seed made no reviewed gig');
  const words = new Map<string, number>();
  for (const { title } of nodes)
    for (const word of title.toLowerCase().match(/[a-z]{4,}/g) ?? [])
      words.set(word, (words.get(word) ?? 0) + 1);
  for (const common of ['your', 'with', 'that', 'will', 'from', 'this', 'for'])
    words.delete(common);
  const word = [...words].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'logo';
  const pages = [SELLERS_PAGE, searchPage(word), gigPage(reviewed.id)];
  console.log(`gig page: ${reviewed.rating.count} reviews; search word "${word}"`);

  for (const page of pages) {
    const answers = await Promise.all(CONTENDERS.map((c) => ask(gateways[c].url, page)));
    if (answers.some((answer) => !isDeepStrictEqual(answer, answers[0])))
      throw new Error(`the gateways answer the ${page.name} differently`);
    for (const executor of CONTENDERS)
      // Not runAll: stock's keep-alive agent now and then reuses a socket the subgraph has just
      // closed ("socket hang up"); such failures are counted in the rounds, not fatal.
      await runBounded({ count: WARM_UP, concurrency: 8, timeLimitMs: 120_000 }, () =>
        ask(gateways[executor].url, page).then(() => undefined),
      );
  }

  const rows: Record<string, Cell>[] = [];
  const summary: Record<string, Cell>[] = [];
  for (const page of pages) {
    const ratios = { cpuStock: [] as number[], cpuOurs: [] as number[], rateStock: [] as number[] };
    for (let n = 1; n <= ROUNDS; n++) {
      const cpuPerRequest = {} as Record<Contender, number>;
      const perSecond = {} as Record<Contender, number>;
      // Each round starts with the next contender.
      const order = CONTENDERS.map((_, i) => CONTENDERS[(i + n - 1) % CONTENDERS.length]);
      for (const executor of order as Contender[]) {
        const gateway = gateways[executor];
        const pid = gateway.child.pid ?? 0;
        const before = cpuMs(pid);
        const result = await runBounded(
          { count: REQUESTS, concurrency: CONCURRENCY, timeLimitMs: 120_000 },
          () => ask(gateway.url, page).then(() => undefined),
        );
        if (result.failed)
          console.error(`${executor}: ${result.failed} failed: ${result.firstError}`);
        cpuPerRequest[executor] = (cpuMs(pid) - before) / result.completed;
        perSecond[executor] = result.perSecond;
        const latency = summarize(result.latenciesMs);
        rows.push({
          page: page.name,
          round: n,
          executor,
          failed: result.failed,
          'req/s': round(result.perSecond),
          'p50 ms': round(latency.p50Ms),
          'p99 ms': round(latency.p99Ms),
          'gateway CPU ms/req': round(cpuPerRequest[executor], 2),
        });
      }
      ratios.cpuStock.push(cpuPerRequest.jobber / cpuPerRequest.stock);
      ratios.cpuOurs.push(cpuPerRequest.jobber / cpuPerRequest.apollo);
      ratios.rateStock.push(perSecond.jobber / perSecond.stock);
    }
    summary.push({
      page: page.name,
      'CPU/req jobber ÷ stock per round': ratios.cpuStock.map((r) => round(r, 2)).join(', '),
      median: round(median(ratios.cpuStock), 2),
      'CPU/req jobber ÷ ours on stock execution': round(median(ratios.cpuOurs), 2),
      'req/s jobber ÷ stock': round(median(ratios.rateStock), 2),
    });
  }
  printTable(`${REQUESTS} requests per round at concurrency ${CONCURRENCY}`, rows);
  printTable('jobber against stock @apollo/gateway, same run', summary);
  if (PROFILE)
    for (const executor of CONTENDERS) {
      await stopServiceProcess(gateways[executor]);
      const file = readdirSync(profiles[executor]).find((name) => name.endsWith('.cpuprofile'));
      if (!file) throw new Error(`no .cpuprofile in ${profiles[executor]}`);
      console.log(`\n${executor}: ${join(profiles[executor], file)}`);
      printTopSelfTime(join(profiles[executor], file), 30);
    }
} finally {
  for (const service of services.reverse()) await stopServiceProcess(service);
  await Promise.all(databases.map((database) => database.drop()));
  await deleteTopology(events.amqpUrl, {
    exchange: events.exchange,
    queues: [],
    queuePrefix: events.queuePrefix,
  });
}

/** Stock @apollo/gateway in a process of its own, once it says it is ready. */
async function startStockGateway(
  env: Record<string, string>,
  nodeFlags: string[],
): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...nodeFlags,
      '--conditions=@jobber/source',
      '--import',
      'tsx',
      `${repoRoot}bench/src/gateway/stock-marketplace-gateway.ts`,
    ],
    { env: childProcessEnv({ ...env, PORT: String(port) }), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => chunk.includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`stock gateway exited (${code})`)));
  });
  const url = `http://127.0.0.1:${port}/`;
  return { name: 'gateway-stock', child, port, adminPort: 0, url, adminUrl: '' };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
