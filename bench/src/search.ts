// searchGigs latency on 100,000 gigs: the gigs subgraph and the gateway each in a Node process of
// their own (their production main.ts), the load from this one, one query at a time. The gigs go
// in through the store in bulk (no events), then the search table is rebuilt as
// `npm run search:reindex` does. Run: npm run bench:search -- [gigs] [runs per query]
// [--keep <database>]: with --keep the seeded database is kept under that name and a later run
// reuses it (pending migrations applied, search table rebuilt) instead of seeding again;
// --seed-only stops after seeding.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  applyMigrations,
  createDatabaseFromTemplate,
  databaseUrl,
  dropDatabase,
  prismaDir,
  templateDatabase,
} from '@jobber/db';
import { deleteTopology } from '@jobber/events';
import { GigsStore, PostgresSearchIndex, createPrisma } from '@jobber/gigs';
import {
  createTestDatabase,
  generateSupergraphKeys,
  type ServiceProcess,
  startServiceProcess,
  stopServiceProcess,
  testConfig,
  type TestDatabase,
  testEventNames,
  RATE_LIMITS_OFF,
} from '@jobber/test-kit';
import { machineSummary } from './lib/machine.js';
import { summarize } from './lib/percentiles.js';
import { printTable, round } from './lib/table.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const [value] = args.splice(at, 2).slice(1);
  return value;
};
const seedOnly = args.includes('--seed-only');
if (seedOnly) args.splice(args.indexOf('--seed-only'), 1);
const KEEP = flag('--keep');
if (KEEP !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(KEEP)) {
  throw new Error('--keep takes a database name of lower-case letters, digits and _');
}
const GIGS = Number(args[0] ?? 100_000);
const RUNS = Number(args[1] ?? 200);
const WARMUP = 20;
const BATCH = 2_000;

const adjectives = [
  'minimalist',
  'modern',
  'professional',
  'creative',
  'responsive',
  'fast',
  'custom',
  'unique',
  'clean',
  'premium',
];
const things = [
  'logo',
  'website',
  'mobile app',
  'illustration',
  'blog post',
  'translation',
  'video',
  'animation',
  'voice over',
  'seo audit',
  'landing page',
  'mascot',
  'brand identity',
  'dashboard',
  'podcast edit',
];
const verbs = [
  'design',
  'build',
  'write',
  'create',
  'edit',
  'draw',
  'translate',
  'record',
  'optimize',
  'develop',
];
const extras = [
  'for your brand',
  'in 24 hours',
  'with unlimited revisions',
  'for startups',
  'in react',
  'in wordpress',
  'for small business',
  'with source files',
];
const tagWords = [
  'logo',
  'branding',
  'react',
  'wordpress',
  'seo',
  'design',
  'vector',
  'cartoon',
  'german',
  'spanish',
  'editing',
  'shopify',
  'ios',
  'android',
  'typescript',
  'podcast',
  'youtube',
  'marketing',
];
const categoryPairs: [string, string][] = [
  ['graphics-design', 'logo-design'],
  ['graphics-design', 'illustration'],
  ['graphics-design', 'web-design'],
  ['programming-tech', 'web-development'],
  ['programming-tech', 'mobile-apps'],
  ['programming-tech', 'data-science'],
  ['writing-translation', 'articles'],
  ['writing-translation', 'translation'],
  ['video-animation', 'video-editing'],
  ['video-animation', 'animation'],
  ['music-audio', 'voice-over'],
  ['digital-marketing', 'seo'],
];

/** A deterministic pseudo-random generator, so every run seeds the same gigs. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const QUERIES: { name: string; variables: Record<string, unknown> }[] = [
  { name: 'one word', variables: { query: 'logo' } },
  { name: 'three words', variables: { query: 'minimalist logo design' } },
  { name: 'a typo', variables: { query: 'desgin' } },
  {
    name: 'category + price range',
    variables: { category: 'programming-tech', minPrice: 5_000, maxPrice: 50_000 },
  },
  { name: 'sort by price', variables: { query: 'website', sort: 'PRICE_ASC' } },
  { name: 'empty, by rating', variables: { sort: 'RATING' } },
];
const SEARCH = `query($query: String, $category: String, $minPrice: Int, $maxPrice: Int, $sort: GigSort) {
  searchGigs(query: $query, category: $category, minPrice: $minPrice, maxPrice: $maxPrice, sort: $sort, first: 20) {
    totalCount facets { category count } edges { cursor node { id title price { amountCents } rating { average } } }
  }
}`;

/** Rebuilds the search table from the gig table, as `npm run search:reindex` does, then VACUUM ANALYZE. */
async function reindex(url: string): Promise<void> {
  const prisma = createPrisma({ url, poolSize: 2 });
  const store = new GigsStore({ prisma, name: 'gigs', relay: { nudge: () => undefined } });
  const started = performance.now();
  const { documents } = await new PostgresSearchIndex(prisma).rebuild(store.documentBatches(BATCH));
  // VACUUM as autovacuum would soon after: the visibility map lets counts use index-only scans.
  await prisma.$executeRawUnsafe('VACUUM ANALYZE gig_search_documents');
  await prisma.$executeRawUnsafe('ANALYZE');
  console.log(
    `search table rebuilt (${documents} documents) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await prisma.$disconnect();
}

/** The kept database when it already holds the gigs (migrated to the latest), else null. */
async function keptDatabase(name: string): Promise<TestDatabase | null> {
  const url = databaseUrl(testConfig.TEST_POSTGRES_URL, name);
  const prisma = createPrisma({ url, poolSize: 1 });
  try {
    const [row] = await prisma.$queryRawUnsafe<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM gigs',
    );
    if (row?.n !== GIGS) return null;
  } catch {
    return null;
  } finally {
    await prisma.$disconnect();
  }
  await applyMigrations({ databaseUrl: url, migrationsDir: `${prismaDir('gigs')}/migrations` });
  return { name, url, drop: async () => undefined };
}

async function seed(database: TestDatabase): Promise<void> {
  const prisma = createPrisma({ url: database.url, poolSize: 2 });
  const store = new GigsStore({ prisma, name: 'gigs', relay: { nudge: () => undefined } });
  const next = random(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const sellers = Array.from({ length: 2_000 }, () => randomUUID());
  const started = performance.now();
  const base = Date.parse('2026-01-01T00:00:00.000Z');
  for (let done = 0; done < GIGS; done += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, GIGS - done) }, (_, i) => {
      const [category, subCategory] = pick(categoryPairs);
      const title = `I will ${pick(verbs)} a ${pick(adjectives)} ${pick(things)} ${pick(extras)}`;
      return {
        id: randomUUID(),
        sellerId: pick(sellers),
        title,
        description: `${title}. ${pick(adjectives)} work, ${pick(things)} and ${pick(things)} included, delivered ${pick(extras)}.`,
        category,
        subCategory,
        tags: [...new Set([pick(tagWords), pick(tagWords), pick(tagWords)])],
        priceCents: 500 + Math.floor(next() * 200_000),
        currency: 'USD',
        deliveryDays: 1 + Math.floor(next() * 30),
        coverImageUrl: null,
        createdAt: new Date(base + (done + i) * 60_000),
      };
    });
    await store.insertGigsForSeed(rows);
  }
  // Ratings for about half of the gigs, straight into the columns (the bench skips reviews).
  await prisma.$executeRawUnsafe(
    `UPDATE gigs SET rating_count = 1 + (abs(hashtext(id::text)) % 40),
       rating_sum = (1 + (abs(hashtext(id::text)) % 40)) * (1 + abs(hashtext(title || id::text)) % 5)
     WHERE abs(hashtext(id::text)) % 2 = 0`,
  );
  console.log(
    `seeded ${GIGS} gigs through the store in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await prisma.$disconnect();
}

async function main(): Promise<void> {
  console.log(
    `search — ${machineSummary('the gateway and gigs each in a Node process of their own, the load in another')}`,
  );
  const keys = generateSupergraphKeys();
  const events = testEventNames();
  const databases: TestDatabase[] = [];
  const services: ServiceProcess[] = [];
  const stop = async () => {
    for (const service of services.reverse()) await stopServiceProcess(service);
    await Promise.all(databases.map((database) => database.drop()));
    await deleteTopology(events.amqpUrl, {
      exchange: events.exchange,
      queues: ['gigs.sellers', 'gigs.ratings', 'gigs.search-index'].map(
        (q) => events.queuePrefix + q,
      ),
      queuePrefix: events.queuePrefix,
    });
  };
  try {
    const kept = KEEP === undefined ? null : await keptDatabase(KEEP);
    let gigsDb: TestDatabase;
    if (kept) {
      console.log(`reusing the kept database ${kept.name}`);
      gigsDb = kept;
    } else if (KEEP !== undefined) {
      const adminUrl = testConfig.TEST_POSTGRES_URL;
      await dropDatabase(adminUrl, KEEP);
      await createDatabaseFromTemplate(adminUrl, await templateDatabase('gigs', adminUrl), KEEP);
      gigsDb = { name: KEEP, url: databaseUrl(adminUrl, KEEP), drop: async () => undefined };
      await seed(gigsDb);
      console.log(`kept as ${KEEP}: pass --keep ${KEEP} again to reuse it`);
    } else {
      gigsDb = await createTestDatabase('gigs');
      databases.push(gigsDb);
      await seed(gigsDb);
    }
    await reindex(gigsDb.url);
    if (seedOnly) return;
    const gigs = await startServiceProcess('gigs', 'subgraphs/gigs/src/main.ts', {
      NODE_ENV: 'test',
      LOG_LEVEL: testConfig.TEST_LOG_LEVEL,
      AMQP_URL: events.amqpUrl,
      EVENTS_EXCHANGE: events.exchange,
      EVENTS_QUEUE_PREFIX: events.queuePrefix,
      GATEWAY_INTERNAL_PUBLIC_KEY: keys.internal.publicKeyPem,
      DATABASE_URL: gigsDb.url,
    });
    services.push(gigs);
    const gateway = await startServiceProcess('gateway', 'gateway/src/main.ts', {
      NODE_ENV: 'test',
      LOG_LEVEL: testConfig.TEST_LOG_LEVEL,
      AUTH_JWT_PUBLIC_KEY: keys.accessTokens.publicKeyPem,
      GATEWAY_INTERNAL_PRIVATE_KEY: keys.internal.privateKeyPem,
      AUTH_URL: 'http://127.0.0.1:9/graphql',
      USERS_URL: 'http://127.0.0.1:9/graphql',
      GIGS_URL: gigs.url,
      ...RATE_LIMITS_OFF,
    });
    services.push(gateway);

    const ask = async (variables: Record<string, unknown>) => {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: SEARCH, variables }),
      });
      const body = (await response.json()) as {
        errors?: unknown[];
        data?: { searchGigs: { totalCount: number } };
      };
      if (body.errors?.length || !body.data) throw new Error(JSON.stringify(body.errors));
      return body.data.searchGigs.totalCount;
    };
    const rows = [];
    for (const { name, variables } of QUERIES) {
      let total = 0;
      for (let i = 0; i < WARMUP; i++) total = await ask(variables);
      const latencies: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const sent = performance.now();
        await ask(variables);
        latencies.push(performance.now() - sent);
      }
      const summary = summarize(latencies);
      rows.push({
        query: name,
        matches: total,
        'p50 ms': round(summary.p50Ms),
        'p95 ms': round(summary.p95Ms),
        'p99 ms': round(summary.p99Ms),
      });
    }
    printTable(
      `searchGigs(first: 20) through the gateway, ${RUNS} runs each after ${WARMUP} warm-up`,
      rows,
    );
  } finally {
    await stop();
  }
}

await main();
