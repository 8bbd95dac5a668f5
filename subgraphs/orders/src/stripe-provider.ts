import Stripe from 'stripe';
import { errors } from '@jobber/service-kit';
import type { StripeSettings } from './config.js';
import {
  testCard,
  WebhookSignatureError,
  type PaymentProvider,
  type PaymentWebhook,
  type TestCard,
} from './payments.js';
import type { PaymentStatus } from './records.js';

/** Stripe's test payment methods for the test card numbers (test mode takes no raw numbers). */
const TEST_PAYMENT_METHODS: Record<TestCard, string> = {
  '4242424242424242': 'pm_card_visa',
  '4000000000000002': 'pm_card_chargeDeclined',
  '4000002500003155': 'pm_card_authenticationRequired',
};

/**
 * Payments at Stripe (`stripe` SDK): payment intents, confirmation with a test payment method,
 * refunds, every call with an idempotency key; webhooks verified with the endpoint's secret.
 * `apiUrl` points the SDK elsewhere (the tests' local stand-in).
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'STRIPE' as const;
  private readonly stripe: Stripe;

  constructor(private readonly settings: StripeSettings) {
    const url = settings.apiUrl ? new URL(settings.apiUrl) : null;
    this.stripe = new Stripe(settings.secretKey, {
      maxNetworkRetries: 2,
      timeout: 10_000,
      telemetry: false,
      ...(url
        ? {
            host: url.hostname,
            port: url.port || (url.protocol === 'https:' ? 443 : 80),
            protocol: url.protocol === 'https:' ? 'https' : 'http',
          }
        : {}),
    });
  }

  async createIntent(request: {
    orderId: string;
    amountCents: number;
    currency: string;
    idempotencyKey: string;
  }) {
    const intent = await this.call(() =>
      this.stripe.paymentIntents.create(
        {
          amount: request.amountCents,
          currency: request.currency.toLowerCase(),
          metadata: { orderId: request.orderId },
        },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    if (!intent.client_secret) throw new Error(`Stripe gave intent ${intent.id} no client secret`);
    return { intentId: intent.id, clientSecret: intent.client_secret, status: statusOf(intent) };
  }

  async confirm(request: { intentId: string; cardNumber: string; idempotencyKey: string }) {
    const paymentMethod = TEST_PAYMENT_METHODS[testCard(request.cardNumber)];
    try {
      const intent = await this.stripe.paymentIntents.confirm(
        request.intentId,
        { payment_method: paymentMethod },
        { idempotencyKey: request.idempotencyKey },
      );
      return { status: statusOf(intent) };
    } catch (error) {
      // A declined card is an answer, not an outage.
      if (error instanceof Stripe.errors.StripeCardError) return { status: 'FAILED' as const };
      throw unavailable(error);
    }
  }

  async refund(request: { intentId: string; amountCents: number; idempotencyKey: string }) {
    const refund = await this.call(() =>
      this.stripe.refunds.create(
        { payment_intent: request.intentId, amount: request.amountCents },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    return { refundId: refund.id };
  }

  parseWebhook(body: Buffer, signature: string | undefined): PaymentWebhook | null {
    if (!signature) throw new WebhookSignatureError('no Stripe-Signature header');
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(body, signature, this.settings.webhookSecret);
    } catch (error) {
      throw new WebhookSignatureError(error instanceof Error ? error.message : String(error));
    }
    switch (event.type) {
      case 'payment_intent.succeeded':
      case 'payment_intent.payment_failed':
      case 'payment_intent.requires_action':
      case 'payment_intent.canceled':
        return { intentId: event.data.object.id, status: statusOf(event.data.object) };
      default:
        return null;
    }
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw unavailable(error);
    }
  }
}

function statusOf(intent: Stripe.PaymentIntent): PaymentStatus {
  switch (intent.status) {
    case 'succeeded':
      return 'SUCCEEDED';
    case 'requires_action':
      return 'REQUIRES_ACTION';
    case 'canceled':
      return 'CANCELLED';
    case 'requires_payment_method':
      // After a failed attempt Stripe asks for another method: the attempt failed.
      return intent.last_payment_error ? 'FAILED' : 'REQUIRES_PAYMENT';
    default:
      return 'REQUIRES_PAYMENT';
  }
}

/** Stripe is down or refused us: a retryable UNAVAILABLE for the client, the cause in the logs. */
function unavailable(error: unknown) {
  return Object.assign(errors.unavailable('Payments are unavailable right now; try again.'), {
    cause: error,
  });
}
