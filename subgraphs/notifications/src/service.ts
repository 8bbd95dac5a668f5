import { defineSubgraph, subgraphContext } from '@jobber/service-kit';
import { loadNotificationsConfig, parseNotificationsConfig } from './config.js';
import { Deliveries } from './deliveries.js';
import {
  createAccountsConsumer,
  createActivityConsumer,
  createOrdersConsumer,
  createRecipientsConsumer,
} from './events.js';
import { Feed } from './feed.js';
import { LiveHub, createLiveConsumer } from './live.js';
import { createMailer } from './mailer.js';
import { Preferences } from './preferences.js';
import { resolvers } from './resolvers/index.js';
import { MailSender } from './sender.js';
import { NotificationsStore, createPrisma } from './store.js';
import { Templates } from './templates.js';

/**
 * The notifications subgraph: consumers that turn every subgraph's events into stored emails
 * and in-app notifications, the sender loop that mails them (SMTP or the development mailbox),
 * preferences, the feed and this process's live broadcast queue.
 */
export const subgraph = defineSubgraph({
  name: 'notifications',
  schema: new URL('./schema.graphql', import.meta.url),
  resolvers,
  createPrisma,
  loadConfig: loadNotificationsConfig,
  parseConfig: parseNotificationsConfig,
  wire(deps) {
    const { mail } = deps.config;
    const store = new NotificationsStore(deps);
    const templates = new Templates({ productName: mail.productName, publicUrl: mail.publicUrl });
    const deliveries = new Deliveries(templates, mail.publicUrl);
    const sender = new MailSender(store, createMailer(mail, store, deps.logger), mail, deps.logger);
    const hub = new LiveHub();
    const consumerDeps = {
      store,
      deliveries,
      consumerOptions: deps.consumerOptions,
      afterCommit: () => sender.nudge(),
    };
    sender.start();
    return {
      context: subgraphContext(store, {
        feed: new Feed(store, mail),
        preferences: new Preferences(store),
        live: hub,
      }),
      consumers: [
        createRecipientsConsumer(consumerDeps),
        createAccountsConsumer(consumerDeps),
        createOrdersConsumer(consumerDeps),
        createActivityConsumer(consumerDeps),
        createLiveConsumer({ transport: deps.transport, hub, logger: deps.logger }),
      ],
      // Not critical: without SMTP the subgraph still serves, and the mail waits in its table.
      readiness: [{ name: 'mail', critical: false, check: async () => sender.health() }],
      async onStop() {
        await sender.stop();
      },
    };
  },
});

export const startNotificationsService = subgraph.start;
