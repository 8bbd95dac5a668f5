export { loadChatConfig, parseChatConfig, type ChatConfig } from './config.js';
export { startChatService, subgraph } from './service.js';
