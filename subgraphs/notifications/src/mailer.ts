import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { Logger } from '@jobber/service-kit';
import type { MailSettings } from './config.js';
import type { MailToSend } from './records.js';
import type { NotificationsStore } from './store.js';

/** One message as a mailer sends it. `messageId` is the same for every attempt of one mail. */
export interface OutgoingMessage extends MailToSend {
  messageId: string;
}

/** Where mail goes: SMTP in production, the development mailbox (a table) by default. */
export interface Mailer {
  readonly kind: 'smtp' | 'dev';
  send(message: OutgoingMessage): Promise<void>;
  close(): Promise<void>;
}

/** SMTP through nodemailer (SMTP_URL, e.g. `smtp://user:pass@mail.example.com:587`). */
export class SmtpMailer implements Mailer {
  readonly kind = 'smtp';
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(
    url: string,
    private readonly from: string,
    timeoutMs: number,
  ) {
    this.transport = nodemailer.createTransport({
      url,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
  }

  async send(message: OutgoingMessage): Promise<void> {
    await this.transport.sendMail({
      from: this.from,
      to: { name: message.toName, address: message.toEmail },
      subject: message.subject,
      html: message.html,
      text: message.text,
      messageId: message.messageId,
    });
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/** No SMTP_URL: each message is stored in `dev_mailbox` (read with `devMailbox(to)`) and logged. */
export class DevMailer implements Mailer {
  readonly kind = 'dev';

  constructor(
    private readonly store: NotificationsStore,
    private readonly logger: Logger,
  ) {}

  async send(message: OutgoingMessage): Promise<void> {
    await this.store.storeDevMail({
      mailId: message.id,
      messageId: message.messageId,
      to: message.toEmail,
      toName: message.toName,
      subject: message.subject,
      html: message.html,
      text: message.text,
    });
    this.logger.info(
      { to: message.toEmail, subject: message.subject, mailId: message.id },
      'dev mailbox: stored (not sent: no SMTP_URL)',
    );
  }

  async close(): Promise<void> {}
}

export function createMailer(
  settings: MailSettings,
  store: NotificationsStore,
  logger: Logger,
): Mailer {
  return settings.smtpUrl
    ? new SmtpMailer(settings.smtpUrl, settings.from, settings.sendTimeoutMs)
    : new DevMailer(store, logger);
}
