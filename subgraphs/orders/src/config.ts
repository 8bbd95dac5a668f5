import { z } from 'zod';
import { ConfigError, subgraphConfig } from '@jobber/service-kit';

const ms = (fallback: number) => z.coerce.number().int().min(10).max(86_400_000).default(fallback);
const optional = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

/**
 * The kit's variables plus orders': the schedule's poll, how long an unpaid order waits, and
 * Stripe (payments are the sandbox's unless STRIPE_SECRET_KEY is set). The clock is the
 * system's; tests and the embedded launcher may hand the settings another (`orders.clock`).
 */
export const parseOrdersConfig = subgraphConfig({
  port: 4005,
  env: {
    ORDERS_SCHEDULE_MS: ms(5_000),
    ORDERS_PAYMENT_EXPIRY_MS: ms(60 * 60 * 1000),
    STRIPE_SECRET_KEY: optional,
    STRIPE_WEBHOOK_SECRET: optional,
    /**
     * `sandbox` lets a production process take the sandbox's test payments (a staging stack, the
     * local docker compose); without it production refuses to start unless Stripe is configured.
     */
    ORDERS_PAYMENTS: z.enum(['sandbox']).optional(),
    /** Where the Stripe SDK sends requests (tests: a local stand-in); Stripe's own by default. */
    STRIPE_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  },
  settings: (env) => {
    if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
      throw new ConfigError([
        'STRIPE_WEBHOOK_SECRET: required with STRIPE_SECRET_KEY (webhooks are verified with it)',
      ]);
    }
    if (!env.STRIPE_SECRET_KEY && env.NODE_ENV === 'production' && !env.ORDERS_PAYMENTS) {
      throw new ConfigError([
        "STRIPE_SECRET_KEY: required in production, or payments would be the sandbox's test " +
          'cards; set ORDERS_PAYMENTS=sandbox to take test payments on purpose (staging)',
      ]);
    }
    const stripe =
      env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET
        ? {
            secretKey: env.STRIPE_SECRET_KEY,
            webhookSecret: env.STRIPE_WEBHOOK_SECRET,
            apiUrl: env.STRIPE_API_URL ?? null,
          }
        : null;
    return {
      orders: {
        scheduleMs: env.ORDERS_SCHEDULE_MS,
        paymentExpiryMs: env.ORDERS_PAYMENT_EXPIRY_MS,
        stripe,
        clock: (): Date => new Date(),
      },
    };
  },
});
export type OrdersConfig = ReturnType<typeof parseOrdersConfig>;
export type OrdersSettings = OrdersConfig['orders'];
export type StripeSettings = NonNullable<OrdersSettings['stripe']>;

export const loadOrdersConfig = (): OrdersConfig => parseOrdersConfig(process.env);
