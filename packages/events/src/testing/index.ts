/**
 * Test helpers for code that uses the event bus (`@jobber/events/testing`): not for production
 * code. Kept here rather than in @jobber/test-kit so the events package's own tests can use them
 * (test-kit depends on events).
 */
export { TcpProxy } from './tcp-proxy.js';
