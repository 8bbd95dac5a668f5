export { loadOrdersConfig, parseOrdersConfig, type OrdersConfig } from './config.js';
export { startOrdersService, subgraph } from './service.js';
