export { loadGigsConfig, parseGigsConfig, type GigsConfig } from './config.js';
export { startGigsService, subgraph } from './service.js';
