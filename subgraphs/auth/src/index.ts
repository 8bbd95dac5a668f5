export { loadAuthConfig, parseAuthConfig, type AuthConfig } from './config.js';
export { startAuthService } from './service.js';
