import { defineSubgraph, subgraphContext } from '@jobber/service-kit';
import { loadChatConfig, parseChatConfig } from './config.js';
import { Conversations } from './conversations.js';
import { createAccountsConsumer, createGigsConsumer, createOrdersConsumer } from './events.js';
import { LiveHub, createLiveConsumer } from './live.js';
import { LiveSubscriptions } from './live-subscriptions.js';
import { Presence } from './presence.js';
import { resolvers } from './resolvers/index.js';
import { ChatStore, createPrisma } from './store.js';
import { Sweeper } from './sweeper.js';

/**
 * The chat subgraph: conversation rules and subscriptions on its store, presence with its
 * heartbeat and sweep, the accounts, gigs and orders consumers and this process's live broadcast
 * queue.
 */
export const subgraph = defineSubgraph({
  name: 'chat',
  schema: new URL('./schema.graphql', import.meta.url),
  resolvers,
  createPrisma,
  loadConfig: loadChatConfig,
  parseConfig: parseChatConfig,
  wire(deps) {
    const store = new ChatStore(deps);
    const hub = new LiveHub();
    const conversations = new Conversations(store);
    const presence = new Presence(store, deps.config.chat, deps.logger);
    const live = new LiveSubscriptions(hub, presence, conversations, store);
    const sweeper = new Sweeper(presence, conversations, deps.config.chat.sweepMs, deps.logger);
    presence.start();
    sweeper.start();
    return {
      context: subgraphContext(store, { conversations, live, presence }),
      consumers: [
        createAccountsConsumer({ ...deps, store }),
        createGigsConsumer({ ...deps, store }),
        createOrdersConsumer({ ...deps, store }),
        createLiveConsumer({ transport: deps.transport, hub, logger: deps.logger }),
      ],
      async onStop() {
        await sweeper.stop();
        await presence.stop();
      },
    };
  },
});

export const startChatService = subgraph.start;
