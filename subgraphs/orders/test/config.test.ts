import { describe, expect, it } from 'vitest';
import { parseOrdersConfig } from '../src/config.js';

const base = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/jobber_orders',
  GATEWAY_INTERNAL_PUBLIC_KEY:
    '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n',
};

describe('orders configuration', () => {
  it('pays in the sandbox by default in development, on port 4005, with the schedule every 5 s', () => {
    const config = parseOrdersConfig({ ...base, NODE_ENV: 'development' });
    expect(config.port).toBe(4005);
    expect(config.orders).toMatchObject({
      stripe: null,
      scheduleMs: 5_000,
      paymentExpiryMs: 3_600_000,
    });
    expect(config.orders.clock()).toBeInstanceOf(Date);
  });

  it('pays at Stripe with a secret key and its webhook secret', () => {
    const config = parseOrdersConfig({
      ...base,
      STRIPE_SECRET_KEY: 'sk_test_x',
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
      STRIPE_API_URL: 'http://127.0.0.1:12111',
    });
    expect(config.orders.stripe).toEqual({
      secretKey: 'sk_test_x',
      webhookSecret: 'whsec_x',
      apiUrl: 'http://127.0.0.1:12111',
    });
  });

  it('refuses the sandbox in production unless asked for by name', () => {
    expect(() => parseOrdersConfig(base)).toThrow(/STRIPE_SECRET_KEY: required in production/);
    expect(parseOrdersConfig({ ...base, ORDERS_PAYMENTS: 'sandbox' }).orders.stripe).toBeNull();
    expect(() => parseOrdersConfig({ ...base, ORDERS_PAYMENTS: 'stripe' })).toThrow(
      /ORDERS_PAYMENTS/,
    );
  });

  it('names the variable that is wrong', () => {
    expect(() => parseOrdersConfig({ ...base, STRIPE_SECRET_KEY: 'sk_test_x' })).toThrow(
      /STRIPE_WEBHOOK_SECRET/,
    );
    expect(() =>
      parseOrdersConfig({ ...base, ORDERS_PAYMENTS: 'sandbox', ORDERS_SCHEDULE_MS: '1' }),
    ).toThrow(/ORDERS_SCHEDULE_MS/);
    expect(() =>
      parseOrdersConfig({ ...base, ORDERS_PAYMENTS: 'sandbox', STRIPE_API_URL: 'ftp://x' }),
    ).toThrow(/STRIPE_API_URL/);
  });
});
