import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { childProcessEnv, createTestDatabase, type TestDatabase } from '@jobber/test-kit';
import { GigsStore, createPrisma } from '../src/store.js';
import { startEsStandIn, type EsStandIn } from './elasticsearch-stand-in.js';

// `npm run search:reindex` (src/reindex.ts, a process of its own) with ELASTICSEARCH_URL set:
// the factory picks Elasticsearch and the command rebuilds it from the gig table by alias swap.
// The cluster is the local stand-in, so what the command sent is what is checked.

const run = promisify(execFile);
let database: TestDatabase;
let es: EsStandIn;
const ids = Array.from({ length: 3 }, () => randomUUID()).sort();

beforeAll(async () => {
  database = await createTestDatabase('gigs');
  es = await startEsStandIn();
  const prisma = createPrisma({ url: database.url, poolSize: 2 });
  const store = new GigsStore({ prisma, name: 'gigs', relay: { nudge: () => undefined } });
  const sellerId = randomUUID();
  await store.insertGigsForSeed(
    ids.map((id, i) => ({
      id,
      sellerId,
      createdAt: new Date(Date.UTC(2026, 10, 1 + i)),
      title: `I will design logo number ${i}`,
      description: 'A description long enough to be valid.',
      category: 'graphics-design',
      subCategory: 'logo-design',
      tags: ['logo'],
      priceCents: 5_000 + i,
      currency: 'USD',
      deliveryDays: 3,
      coverImageUrl: null,
    })),
  );
  await prisma.$disconnect();
});

afterAll(async () => {
  await es?.close();
  await database?.drop();
});

it('rebuilds Elasticsearch from the gig table when ELASTICSEARCH_URL is set', async () => {
  es.answer((request) =>
    request.path === '/_alias/gigs-cmd'
      ? { body: { 'gigs-cmd-initial': { aliases: { 'gigs-cmd': {} } } } }
      : undefined,
  );
  es.answer((request) =>
    request.path === '/_bulk' ? { body: { errors: false, items: [], took: 1 } } : undefined,
  );
  es.answer((request) =>
    request.path.endsWith('/_search')
      ? { body: { hits: { total: { value: 0, relation: 'eq' }, hits: [] } } }
      : undefined,
  );
  const script = fileURLToPath(new URL('../src/reindex.ts', import.meta.url));
  await run(process.execPath, ['--conditions=@jobber/source', '--import', 'tsx', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: childProcessEnv({
      DATABASE_URL: database.url,
      ELASTICSEARCH_URL: es.url,
      ELASTICSEARCH_INDEX: 'gigs-cmd',
      LOG_LEVEL: 'silent',
    }),
    timeout: 60_000,
  });

  const [create] = es.requests.filter(
    (request) => request.method === 'PUT' && /^\/gigs-cmd-\d{8}t\d{9}z$/.test(request.path),
  );
  expect(create).toBeDefined();
  const index = create?.path.slice(1) ?? '';
  const [bulk] = es.sent('POST', '/_bulk');
  const lines = bulk?.body as { index?: { _id: string; _index: string } }[];
  expect(lines.filter((line) => line.index).map((line) => line.index?._id)).toEqual(ids);
  expect(lines[0]?.index?._index).toBe(index);
  expect(lines[1]).toMatchObject({ gigId: ids[0], title: 'I will design logo number 0' });
  const [swap] = es.sent('POST', '/_aliases');
  expect(swap?.body).toEqual({
    actions: [
      { add: { index, alias: 'gigs-cmd' } },
      { remove: { index: 'gigs-cmd-initial', alias: 'gigs-cmd' } },
    ],
  });
  expect(es.sent('DELETE', '/gigs-cmd-initial')).toHaveLength(1);
});
