import { createHash, randomBytes } from 'node:crypto';
import { errors } from '@jobber/service-kit';
import type { PaymentStatus, ProviderName } from './records.js';

/**
 * Payments behind one interface (shared/DESIGN.md: providers chosen by config in one place):
 * the sandbox by default, Stripe when STRIPE_SECRET_KEY is set (stripe-provider.ts). Every
 * call carries an idempotency key, so a retried call never charges or refunds twice.
 */
export interface PaymentProvider {
  readonly name: ProviderName;
  createIntent(request: {
    orderId: string;
    amountCents: number;
    currency: string;
    idempotencyKey: string;
  }): Promise<{ intentId: string; clientSecret: string; status: PaymentStatus }>;
  /** Pays the intent with a test card (Stripe test mode's numbers; the sandbox's own). */
  confirm(request: {
    intentId: string;
    cardNumber: string;
    idempotencyKey: string;
  }): Promise<{ status: PaymentStatus }>;
  refund(request: {
    intentId: string;
    amountCents: number;
    idempotencyKey: string;
  }): Promise<{ refundId: string }>;
  /**
   * A webhook's verified event, or null when it is of no interest; throws WebhookSignatureError
   * when the signature does not verify.
   */
  parseWebhook(body: Buffer, signature: string | undefined): PaymentWebhook | null;
}

/** What a provider's webhook tells orders. */
export interface PaymentWebhook {
  intentId: string;
  status: PaymentStatus;
}

export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';
}

/** Stripe's test-mode card numbers, and what each does (the sandbox behaves the same). */
export const TEST_CARDS = {
  '4242424242424242': 'SUCCEEDED',
  '4000000000000002': 'FAILED',
  '4000002500003155': 'REQUIRES_ACTION',
} as const satisfies Record<string, PaymentStatus>;
export type TestCard = keyof typeof TEST_CARDS;

/** The card number without spaces or dashes, if it is one of the test cards; else BAD_USER_INPUT. */
export function testCard(cardNumber: string): TestCard {
  const digits = cardNumber.replace(/[\s-]/g, '');
  if (!Object.hasOwn(TEST_CARDS, digits)) {
    throw errors.badUserInput('Use one of the test cards.', [
      {
        field: 'cardNumber',
        message: 'Test cards: 4242424242424242, 4000000000000002, 4000002500003155.',
      },
    ]);
  }
  return digits as TestCard;
}

/** Idempotency keys: derived from the payment's own key, one per kind of call. */
export const idempotencyKeys = {
  create: (orderId: string) => `order-${orderId}-intent`,
  confirm: (paymentKey: string, cardNumber: string) =>
    `${paymentKey}-confirm-${createHash('sha256').update(cardNumber).digest('hex').slice(0, 16)}`,
  refund: (paymentKey: string) => `${paymentKey}-refund`,
};

/**
 * The default provider: no network, Stripe test mode's behaviour. Intents are made up
 * (`sbx_pi_…`); the outcome of a confirmation is the card's. Nothing to refund at a bank: a
 * refund id is made up from the key, so the same key gives the same refund.
 */
export class SandboxPaymentProvider implements PaymentProvider {
  readonly name = 'SANDBOX' as const;

  async createIntent(request: { idempotencyKey: string }) {
    const intentId = `sbx_pi_${digest(request.idempotencyKey)}`;
    return {
      intentId,
      clientSecret: `${intentId}_secret_${randomBytes(12).toString('hex')}`,
      status: 'REQUIRES_PAYMENT' as const,
    };
  }

  async confirm(request: { cardNumber: string }) {
    return { status: TEST_CARDS[testCard(request.cardNumber)] };
  }

  async refund(request: { idempotencyKey: string }) {
    return { refundId: `sbx_re_${digest(request.idempotencyKey)}` };
  }

  parseWebhook(): PaymentWebhook | null {
    // The sandbox confirms synchronously: it sends no webhooks.
    throw new WebhookSignatureError('the sandbox sends no webhooks');
  }
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 24);
}
