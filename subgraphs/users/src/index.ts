export { loadUsersConfig, parseUsersConfig, type UsersConfig } from './config.js';
export { startUsersService, subgraph } from './service.js';
