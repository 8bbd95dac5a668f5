export {
  loadNotificationsConfig,
  parseNotificationsConfig,
  type NotificationsConfig,
} from './config.js';
export { startNotificationsService, subgraph } from './service.js';
export { Templates } from './templates.js';
