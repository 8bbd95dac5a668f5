import { createLogger } from '@jobber/service-kit';
import { loadReindexConfig } from './config.js';
import { searchIndexFromConfig } from './search/index-from-config.js';
import { GigsStore, createPrisma } from './store.js';

/**
 * `npm run search:reindex`: rebuilds the search index (the one the configuration picks) from the
 * gig table, 1,000 gigs at a time. Readers keep the old index until the new one is complete.
 */
const BATCH_SIZE = 1_000;

const config = loadReindexConfig();
const logger = createLogger({ service: 'gigs-reindex', level: config.logLevel });
const prisma = createPrisma(config.database);
const store = new GigsStore({ prisma, name: 'gigs', relay: { nudge: () => undefined } });
const index = searchIndexFromConfig(config, { db: prisma });
const started = Date.now();
try {
  const { documents } = await index.rebuild(store.documentBatches(BATCH_SIZE));
  logger.info({ index: index.name, documents, ms: Date.now() - started }, 'search index rebuilt');
} finally {
  await index.close();
  await prisma.$disconnect();
}
