import { z } from 'zod';
import { ConfigError, subgraphConfig } from '@jobber/service-kit';

const ms = (fallback: number) => z.coerce.number().int().min(10).max(86_400_000).default(fallback);

/**
 * The kit's variables plus the mail settings: the product's name and public URL (every link),
 * the sender address, SMTP (the development mailbox without it) and the sender loop's timers
 * (docs/2026-12-03-mail-templates.md, docs/2026-12-03-notifications.md).
 */
export const parseNotificationsConfig = subgraphConfig({
  port: 4007,
  env: {
    /** Where every link points; required in production (a localhost link mails nobody anywhere). */
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    PRODUCT_NAME: z.string().min(1).default('Jobber'),
    MAIL_FROM: z.string().min(3).default('Jobber <no-reply@jobber.localhost>'),
    SMTP_URL: z
      .url({ protocol: /^smtps?$/ })
      .optional()
      .or(z.literal('').transform(() => undefined)),
    /**
     * `dev-mailbox`: a production process keeps mail in its database on purpose (a staging stack,
     * the local docker compose); without it production refuses to start with no SMTP_URL.
     */
    NOTIFICATIONS_MAIL: z.enum(['dev-mailbox']).optional(),
    MAIL_POLL_MS: ms(1_000),
    MAIL_RETRY_BASE_MS: ms(1_000),
    MAIL_RETRY_MAX_MS: ms(300_000),
    MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1_000).default(30),
    MAIL_LEASE_MS: ms(60_000),
    MAIL_SEND_TIMEOUT_MS: ms(15_000),
    // At least the inbox's 7 days: a mail's idempotency key must outlive its event's inbox row.
    MAIL_RETENTION_DAYS: z.coerce.number().int().min(7).max(3650).default(30),
    MAIL_PRUNE_MS: ms(3_600_000),
  },
  settings: (env) => {
    if (env.NODE_ENV === 'production') {
      const problems = [
        ...(env.SMTP_URL || env.NOTIFICATIONS_MAIL
          ? []
          : [
              'SMTP_URL: required in production, or no email would leave the database; set ' +
                'NOTIFICATIONS_MAIL=dev-mailbox to keep mail there on purpose (staging)',
            ]),
        ...(env.PUBLIC_URL
          ? []
          : ['PUBLIC_URL: required in production (every link is built on it)']),
      ];
      if (problems.length > 0) throw new ConfigError(problems);
    }
    return {
      mail: {
        publicUrl: (env.PUBLIC_URL ?? 'http://localhost:4000').replace(/\/+$/, ''),
        productName: env.PRODUCT_NAME,
        from: env.MAIL_FROM,
        smtpUrl: env.SMTP_URL ?? null,
        pollMs: env.MAIL_POLL_MS,
        retryBaseMs: env.MAIL_RETRY_BASE_MS,
        retryMaxMs: env.MAIL_RETRY_MAX_MS,
        maxAttempts: env.MAIL_MAX_ATTEMPTS,
        leaseMs: env.MAIL_LEASE_MS,
        sendTimeoutMs: env.MAIL_SEND_TIMEOUT_MS,
        retentionMs: env.MAIL_RETENTION_DAYS * 86_400_000,
        pruneMs: env.MAIL_PRUNE_MS,
        /** The dev mailbox can be read (`devMailbox`) only outside production, without SMTP. */
        devMailboxReadable: env.NODE_ENV !== 'production' && !env.SMTP_URL,
      },
    };
  },
});
export type NotificationsConfig = ReturnType<typeof parseNotificationsConfig>;
export type MailSettings = NotificationsConfig['mail'];

export const loadNotificationsConfig = (): NotificationsConfig =>
  parseNotificationsConfig(process.env);
