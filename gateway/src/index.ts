export { loadGatewayConfig, parseGatewayConfig, type GatewayConfig } from './config.js';
export { createGateway, startGateway } from './server.js';
