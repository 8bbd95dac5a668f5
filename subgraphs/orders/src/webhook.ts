import type { HttpRoute, Logger } from '@jobber/service-kit';
import type { Orders } from './orders.js';
import { WebhookSignatureError, type PaymentProvider } from './payments.js';

/** Where Stripe posts payment events (configure this URL in Stripe's dashboard). */
export const WEBHOOK_PATH = '/webhooks/stripe';

/**
 * The payment webhook on the kit's raw-body route: the signature is checked over the exact
 * bytes (400 when it does not verify), then the outcome is recorded once (a repeated webhook
 * changes nothing: Orders.recordPaymentOutcome). 500 makes Stripe send it again later.
 */
export function paymentWebhookRoute(
  provider: PaymentProvider,
  orders: Orders,
  logger: Logger,
): HttpRoute {
  return {
    method: 'POST',
    path: WEBHOOK_PATH,
    maxBodyBytes: 512 * 1024,
    async handle(request) {
      const header = request.headers['stripe-signature'];
      let webhook;
      try {
        webhook = provider.parseWebhook(request.body, Array.isArray(header) ? header[0] : header);
      } catch (error) {
        if (error instanceof WebhookSignatureError) {
          logger.warn({ reason: error.message }, 'orders: webhook refused (signature)');
          return json(400, { error: 'invalid signature' });
        }
        throw error;
      }
      if (!webhook) return json(200, { received: true, ignored: true });
      try {
        await orders.recordPaymentOutcome(webhook.intentId, webhook.status, null);
      } catch (error) {
        if ((error as { code?: string }).code === 'NOT_FOUND') {
          // Not one of ours (another integration on the same account): nothing to retry.
          return json(200, { received: true, ignored: true });
        }
        logger.error({ err: error, intentId: webhook.intentId }, 'orders: webhook failed');
        return json(500, { error: 'try again' });
      }
      return json(200, { received: true });
    },
  };
}

function json(status: number, body: unknown) {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
