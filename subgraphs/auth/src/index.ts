export { loadAuthConfig, parseAuthConfig, type AuthConfig } from './config.js';
export { startAuthService, subgraph } from './service.js';
