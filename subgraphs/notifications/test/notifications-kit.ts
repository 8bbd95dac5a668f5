import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import {
  AmqpTransport,
  createEnvelope,
  type EventData,
  type EventEnvelope,
  type EventType,
} from '@jobber/events';
import { createLogger, type RunningService } from '@jobber/service-kit';
import {
  GraphQLClient,
  TestSmtpServer,
  eventually,
  queueLength,
  signAccessToken,
  startTestSupergraph,
  statementCounter,
  testConfig,
  type GraphQLResponse,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseNotificationsConfig, startNotificationsService } from '../src/index.js';

/** A registered account (as auth would announce it) and a gateway client signed in as it. */
export interface TestAccount {
  id: string;
  username: string;
  email: string;
  client: GraphQLClient;
  token: string;
}

/** Fast sender timers for tests; a test file overrides them through `env`. */
export const fastMail = {
  MAIL_POLL_MS: '100',
  MAIL_RETRY_BASE_MS: '200',
  MAIL_RETRY_MAX_MS: '2000',
  MAIL_SEND_TIMEOUT_MS: '2000',
};

export const PUBLIC_URL = 'https://jobber.test';

/** The consumers whose queues a test waits to drain. */
const CONSUMERS = [
  'notifications.recipients',
  'notifications.accounts',
  'notifications.orders',
  'notifications.activity',
];

/**
 * The notifications subgraph behind a real gateway, on a database, exchange and queues of its
 * own, sending to a real SMTP server started here (`smtp: false`: the development mailbox).
 * Other subgraphs' events are published directly, as their producers would (with versions).
 */
export class NotificationsKit {
  private readonly sockets: Client[] = [];
  private versions = new Map<string, number>();

  private constructor(
    readonly counter: ReturnType<typeof statementCounter>,
    readonly supergraph: TestSupergraph,
    readonly publisher: AmqpTransport,
    readonly db: pg.Pool,
    readonly smtp: TestSmtpServer | null,
  ) {}

  static async start(
    options: { env?: Record<string, string>; smtp?: boolean } = {},
  ): Promise<NotificationsKit> {
    const counter = statementCounter();
    const smtp = options.smtp === false ? null : await TestSmtpServer.start();
    const supergraph = await startTestSupergraph({
      notifications: (base) =>
        startNotificationsService(
          parseNotificationsConfig({
            ...base,
            ...fastMail,
            PUBLIC_URL,
            ...(smtp ? { SMTP_URL: smtp.url } : {}),
            ...options.env,
          }),
          { onQuery: counter.onQuery },
        ),
    });
    const logger = createLogger({
      service: 'notifications-test',
      level: testConfig.TEST_LOG_LEVEL,
    });
    const publisher = new AmqpTransport({
      url: supergraph.events.amqpUrl,
      exchange: supergraph.events.exchange,
      queuePrefix: supergraph.events.queuePrefix,
      logger,
    });
    const database = supergraph.databases.notifications;
    if (!database) throw new Error('notifications has no database');
    const db = new pg.Pool({ connectionString: database.url, max: 2 });
    return new NotificationsKit(counter, supergraph, publisher, db, smtp);
  }

  /** The test SMTP server (throws when the kit runs on the development mailbox). */
  get mail(): TestSmtpServer {
    if (!this.smtp) throw new Error('this kit has no SMTP server (smtp: false)');
    return this.smtp;
  }

  /** The notifications process the kit started. */
  get notifications(): RunningService {
    const service = this.supergraph.subgraphs.notifications;
    if (!service) throw new Error('notifications is not running');
    return service;
  }

  get client(): GraphQLClient {
    return this.supergraph.client;
  }

  /** An envelope as `producer` would publish it, numbered per aggregate like an outbox does. */
  envelope<T extends EventType>(producer: string, type: T, data: EventData<T>): EventEnvelope<T> {
    const probe = createEnvelope(producer, type, data);
    const key = `${probe.aggregateType}:${probe.aggregateId}`;
    const version = (this.versions.get(key) ?? 0) + 1;
    this.versions.set(key, version);
    return createEnvelope(producer, type, data, new Date(), version);
  }

  async publish(...events: EventEnvelope[]): Promise<void> {
    await this.publisher.publish(events);
  }

  /** Publishes `auth.user.registered` (and `users.seller.created` with `fullName`) and waits. */
  async register(
    options: { fullName?: string; username?: string; id?: string } = {},
  ): Promise<TestAccount> {
    const id = options.id ?? randomUUID();
    const username = options.username ?? `user_${randomBytes(5).toString('hex')}`;
    const email = `${username}@example.com`;
    const token = await signAccessToken(this.supergraph.keys, { userId: id });
    await this.publish(
      this.envelope('auth', 'auth.user.registered', {
        userId: id,
        email,
        username,
        country: 'DE',
        profilePictureUrl: null,
        registeredAt: new Date().toISOString(),
      }),
    );
    await this.waitForRow(
      'SELECT 1 FROM recipients WHERE user_id = $1',
      [id],
      `recipient ${username}`,
    );
    if (options.fullName) {
      await this.publish(
        this.envelope('users', 'users.seller.created', {
          userId: id,
          username,
          fullName: options.fullName,
          oneliner: 'Designer',
          skills: ['logos'],
          languages: [{ language: 'English', level: 'native' }],
          country: 'DE',
        }),
      );
      await this.waitForRow(
        'SELECT 1 FROM recipients WHERE user_id = $1 AND full_name = $2',
        [id, options.fullName],
        `seller name of ${username}`,
      );
    }
    return { id, username, email, token, client: this.client.as({ token }) };
  }

  async waitForRow(sql: string, params: unknown[], what: string): Promise<void> {
    await eventually(async () => (await this.db.query(sql, params)).rows.length > 0, { what });
  }

  /** Waits until a consumer's inbox has each event (handled and committed). */
  async handled(...events: EventEnvelope[]): Promise<void> {
    await eventually(
      async () => {
        const { rows } = await this.db.query<{ n: number }>(
          'SELECT count(DISTINCT event_id)::int AS n FROM inbox_events WHERE event_id = ANY($1::uuid[])',
          [events.map((event) => event.id)],
        );
        return rows[0]?.n === events.length;
      },
      { what: `${events.length} events handled` },
    );
  }

  /** Every consumer queue drained and no mail left to send (all SENT or FAILED). */
  async settled(timeoutMs = 20_000): Promise<void> {
    await eventually(
      async () => {
        for (const consumer of CONSUMERS) {
          if ((await queueLength(this.supergraph.events, consumer)) > 0) return false;
        }
        const { rows } = await this.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM outgoing_mail WHERE status = 'PENDING'`,
        );
        return rows[0]?.n === 0;
      },
      { timeoutMs, what: 'queues drained and mail sent' },
    );
  }

  /** A graphql-ws client of the gateway signed in as `account` (no retries). */
  socket(account: TestAccount | null, gatewayUrl = this.supergraph.gatewayUrl): Client {
    const client = createClient({
      url: gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: account ? { Authorization: `Bearer ${account.token}` } : {},
    });
    this.sockets.push(client);
    return client;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) await socket.dispose();
    await this.db.end();
    await this.publisher.close();
    await this.supergraph.stop();
    await this.smtp?.stop();
  }
}

/** The one item of `items` that matches (fails the test otherwise). */
export function only<T>(items: readonly T[], match: (item: T) => boolean = () => true): T {
  const found = items.filter(match);
  if (found.length !== 1) throw new Error(`expected exactly one, found ${found.length}`);
  return found[0] as T;
}

/** The error codes of a response. */
export function codes(response: GraphQLResponse<unknown>): unknown[] {
  return response.errors.map((error) => error.extensions?.['code']);
}

/** An order snapshot as orders publishes it. */
export function orderSnapshot(buyer: { id: string }, seller: { id: string }) {
  const at = new Date().toISOString();
  return {
    orderId: randomUUID(),
    orderNumber: `JB-${randomBytes(3).toString('hex').toUpperCase()}`,
    gigId: randomUUID(),
    gigTitle: 'A hand-drawn logo',
    buyerId: buyer.id,
    sellerId: seller.id,
    offerId: null,
    priceCents: 5_000,
    serviceFeeCents: 275,
    totalCents: 5_275,
    sellerEarningsCents: 4_000,
    currency: 'USD',
    status: 'PLACED' as const,
    dueAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
    placedAt: at,
    actorId: buyer.id,
    occurredAt: at,
  };
}
