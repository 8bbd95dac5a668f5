import { defineSubgraph, subgraphContext } from '@jobber/service-kit';
import { loadOrdersConfig, parseOrdersConfig, type OrdersSettings } from './config.js';
import { createGigsConsumer, createOffersConsumer } from './events.js';
import { Orders } from './orders.js';
import { SandboxPaymentProvider, type PaymentProvider } from './payments.js';
import { resolvers } from './resolvers/index.js';
import { Schedule } from './schedule.js';
import { OrdersStore, createPrisma } from './store.js';
import { StripePaymentProvider } from './stripe-provider.js';
import { paymentWebhookRoute } from './webhook.js';

/** The one place the payment provider is chosen: Stripe with STRIPE_SECRET_KEY, else the sandbox. */
export function paymentProvider(settings: OrdersSettings): PaymentProvider {
  return settings.stripe
    ? new StripePaymentProvider(settings.stripe)
    : new SandboxPaymentProvider();
}

/**
 * The orders subgraph: order rules on its store with the configured payment provider, the
 * durable schedule polled by every process, the gigs and offers consumers, and the payment
 * webhook route.
 */
export const subgraph = defineSubgraph({
  name: 'orders',
  schema: new URL('./schema.graphql', import.meta.url),
  resolvers,
  createPrisma,
  loadConfig: loadOrdersConfig,
  parseConfig: parseOrdersConfig,
  wire(deps) {
    const settings = deps.config.orders;
    const store = new OrdersStore(deps);
    const payments = paymentProvider(settings);
    const orders = new Orders(store, payments, settings, deps.logger);
    const schedule = new Schedule(store, orders, settings.scheduleMs, settings.clock, deps.logger);
    orders.runSoon = (kind, orderId) => schedule.runSoon(kind, orderId);
    schedule.start();
    return {
      context: subgraphContext(store, { orders }),
      consumers: [createGigsConsumer({ ...deps, store }), createOffersConsumer({ ...deps, store })],
      routes: settings.stripe ? [paymentWebhookRoute(payments, orders, deps.logger)] : [],
      async onStop() {
        await schedule.stop();
      },
    };
  },
});

export const startOrdersService = subgraph.start;
