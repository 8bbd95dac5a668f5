export { loadGigsConfig, parseGigsConfig, type GigsConfig } from './config.js';
export { startGigsService, subgraph } from './service.js';
// For the bench's bulk seed (bench/src/search.ts): the store and the PostgreSQL index.
export { GigsStore, createPrisma } from './store.js';
export { PostgresSearchIndex } from './search/postgres-index.js';
