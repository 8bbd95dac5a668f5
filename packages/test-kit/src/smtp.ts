import { SMTPServer } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';
import { freePort } from './free-port.js';
import { eventually } from './poll.js';

/** One message the test SMTP server accepted, parsed. */
export interface ReceivedMail {
  /** The envelope's recipients (RCPT TO), lower case. */
  to: string[];
  /** The To header's first name and address. */
  toName: string;
  toAddress: string;
  from: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
}

function firstAddress(header: AddressObject | AddressObject[] | undefined) {
  const object = Array.isArray(header) ? header[0] : header;
  const first = object?.value[0];
  return { name: first?.name ?? '', address: (first?.address ?? '').toLowerCase() };
}

/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1 for one test file: it accepts
 * every message without authentication or TLS and keeps it parsed by `mailparser`. `stop()`
 * takes it away (connections are then refused) and `start()` brings it back on the same port,
 * so a test can take SMTP down and up under a running sender.
 */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  private server: SMTPServer | null = null;

  private constructor(readonly port: number) {}

  static async start(): Promise<TestSmtpServer> {
    const smtp = new TestSmtpServer(await freePort());
    await smtp.start();
    return smtp;
  }

  /** `SMTP_URL` for the notifications subgraph. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            const to = firstAddress(parsed.to);
            this.received.push({
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
              toName: to.name,
              toAddress: to.address,
              from: firstAddress(parsed.from).address,
              subject: parsed.subject ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              text: parsed.text ?? '',
              messageId: parsed.messageId ?? '',
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    server.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      server.listen(this.port, '127.0.0.1', () => resolve());
      server.once('error', reject);
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The messages received for `address` so far. */
  to(address: string): ReceivedMail[] {
    const wanted = address.toLowerCase();
    return this.received.filter((mail) => mail.to.includes(wanted));
  }

  /** Waits until `address` has received at least `count` messages (matching `filter`); those. */
  async waitFor(
    address: string,
    options: { count?: number; filter?: (mail: ReceivedMail) => boolean; timeoutMs?: number } = {},
  ): Promise<ReceivedMail[]> {
    const count = options.count ?? 1;
    return eventually(
      () => {
        const mails = this.to(address).filter(options.filter ?? (() => true));
        return mails.length >= count ? mails : null;
      },
      {
        timeoutMs: options.timeoutMs ?? 15_000,
        intervalMs: 20,
        what: `${count} mails to ${address}`,
      },
    );
  }
}
