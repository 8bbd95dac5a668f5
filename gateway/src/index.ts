export { loadGatewayConfig, parseGatewayConfig, type GatewayConfig } from './config.js';
export { createGateway, startGateway, type GatewayOptions } from './server.js';
