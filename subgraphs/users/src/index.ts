export { loadUsersConfig, parseUsersConfig, type UsersConfig } from './config.js';
export { startUsersService, type UsersServiceOptions } from './service.js';
