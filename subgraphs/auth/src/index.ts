export { loadAuthConfig, parseAuthConfig, type AuthConfig } from './config.js';
export { startAuthService, type AuthServiceOptions } from './service.js';
