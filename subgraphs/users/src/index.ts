export { loadUsersConfig, parseUsersConfig, type UsersConfig } from './config.js';
export { startUsersService } from './service.js';
