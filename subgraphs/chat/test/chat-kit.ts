import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import { AmqpTransport, createEnvelope, type EventEnvelope } from '@jobber/events';
import {
  INTERNAL_CREDENTIAL_HEADER,
  anonymousClient,
  createInternalCredentialSigner,
  createLogger,
  type InternalCredentialSigner,
  type RunningService,
} from '@jobber/service-kit';
import {
  GraphQLClient,
  eventually,
  signAccessToken,
  startTestSupergraph,
  statementCounter,
  testConfig,
  type GraphQLResponse,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseChatConfig, startChatService } from '../src/index.js';

/** A registered account (as auth would announce it) and a gateway client signed in as it. */
export interface TestAccount {
  id: string;
  username: string;
  client: GraphQLClient;
}

/** Fast timers for tests; a test file overrides them through `env`. */
export const fastTimers = {
  PRESENCE_HEARTBEAT_MS: '200',
  PRESENCE_TTL_MS: '600',
  CHAT_SWEEP_MS: '200',
};

export const MESSAGE_FIELDS = `id body attachmentUrl readAt createdAt sender { id }
  conversation { id } offer { id state priceCents deliveryDays description expiresAt
  gig { id } seller { id } buyer { id } }`;

export const SEND_TO = `mutation ($recipientId: ID, $conversationId: ID, $body: String!, $attachmentUrl: String) {
  sendMessage(recipientId: $recipientId, conversationId: $conversationId, body: $body, attachmentUrl: $attachmentUrl) { ${MESSAGE_FIELDS} }
}`;

export interface MessageJson {
  id: string;
  body: string;
  attachmentUrl: string | null;
  readAt: string | null;
  createdAt: string;
  sender: { id: string } | null;
  conversation: { id: string };
  offer: {
    id: string;
    state: string;
    priceCents: number;
    deliveryDays: number;
    description: string;
    expiresAt: string;
    gig: { id: string } | null;
    seller: { id: string } | null;
    buyer: { id: string } | null;
  } | null;
}

/** One subscription opened straight on a chat process, collecting what arrives. */
export interface LiveSubscription {
  results: {
    data?: Record<string, unknown> | null;
    errors?: { extensions?: { code?: string } }[];
  }[];
  /** Resolves when the server completes the operation (or refuses it). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The chat subgraph behind a real gateway, on a database, exchange and queues of its own;
 * accounts come from real `auth.user.registered` events and gigs from `gigs.gig.*` events, as in
 * production. Subscriptions go straight to a chat process over graphql-ws with the credentials
 * the gateway would sign (the gateway's own subscription support is another piece of work).
 */
export class ChatKit {
  private readonly sockets: Client[] = [];
  private readonly extra: RunningService[] = [];

  private constructor(
    readonly counter: ReturnType<typeof statementCounter>,
    readonly supergraph: TestSupergraph,
    readonly publisher: AmqpTransport,
    readonly db: pg.Pool,
    private readonly signer: InternalCredentialSigner,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<ChatKit> {
    const counter = statementCounter();
    const supergraph = await startTestSupergraph({
      chat: (base) =>
        startChatService(parseChatConfig({ ...base, ...fastTimers, ...env }), {
          onQuery: counter.onQuery,
        }),
    });
    const logger = createLogger({ service: 'chat-test', level: testConfig.TEST_LOG_LEVEL });
    const publisher = new AmqpTransport({
      url: supergraph.events.amqpUrl,
      exchange: supergraph.events.exchange,
      queuePrefix: supergraph.events.queuePrefix,
      logger,
    });
    const database = supergraph.databases.chat;
    if (!database) throw new Error('chat has no database');
    const db = new pg.Pool({ connectionString: database.url, max: 2 });
    const signer = createInternalCredentialSigner({
      privateKeyPem: supergraph.keys.internal.privateKeyPem,
      ttlSeconds: 3600,
    });
    return new ChatKit(counter, supergraph, publisher, db, signer);
  }

  get client(): GraphQLClient {
    return this.supergraph.client;
  }

  /** The first chat process. */
  get chat(): RunningService {
    const chat = this.supergraph.subgraphs.chat;
    if (!chat) throw new Error('chat is not running');
    return chat;
  }

  /** Another chat process on the same database and exchange (its own broadcast queue). */
  async startAnotherChat(env: Record<string, string> = {}): Promise<RunningService> {
    const service = await startChatService(
      parseChatConfig({ ...this.supergraph.envFor('chat'), ...fastTimers, ...env }),
    );
    this.extra.push(service);
    return service;
  }

  /** Publishes `auth.user.registered` for each new account and waits until chat knows them. */
  async register(count = 1): Promise<TestAccount[]> {
    const accounts: TestAccount[] = [];
    const envelopes: EventEnvelope[] = [];
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      const username = `user_${randomBytes(6).toString('hex')}`;
      const token = await signAccessToken(this.supergraph.keys, { userId: id });
      accounts.push({ id, username, client: this.client.as({ token }) });
      envelopes.push(
        createEnvelope('auth', 'auth.user.registered', {
          userId: id,
          email: `${username}@example.com`,
          username,
          country: 'DE',
          profilePictureUrl: null,
          registeredAt: new Date().toISOString(),
        }),
      );
    }
    await this.publisher.publish(envelopes);
    const ids = accounts.map((account) => account.id);
    await eventually(
      async () => {
        const { rows } = await this.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM accounts WHERE id = ANY($1::uuid[])',
          [ids],
        );
        return rows[0]?.n === ids.length ? true : null;
      },
      { what: `${count} accounts in chat` },
    );
    return accounts;
  }

  async registerOne(): Promise<TestAccount> {
    const [account] = await this.register(1);
    if (!account) throw new Error('no account');
    return account;
  }

  /** Publishes a gig event (as gigs would, with `version`) and waits until chat handled it. */
  async publishGig(
    gig: { gigId?: string; sellerId: string; active?: boolean; title?: string },
    version = 1,
    type: 'gigs.gig.published' | 'gigs.gig.updated' = 'gigs.gig.published',
  ): Promise<string> {
    const gigId = gig.gigId ?? randomUUID();
    const at = new Date().toISOString();
    const event = createEnvelope(
      'gigs',
      type,
      {
        gigId,
        sellerId: gig.sellerId,
        title: gig.title ?? 'A logo',
        category: 'design',
        subCategory: 'logos',
        tags: [],
        priceCents: 5_000,
        currency: 'USD',
        deliveryDays: 3,
        coverImageUrl: null,
        active: gig.active ?? true,
        createdAt: at,
        updatedAt: at,
      },
      new Date(),
      version,
    );
    await this.publisher.publish([event]);
    // Handled (applied, or skipped as older) once its inbox row is there.
    await eventually(
      async () => {
        const { rows } = await this.db.query(
          `SELECT 1 FROM inbox_events WHERE consumer = 'chat.gigs' AND event_id = $1`,
          [event.id],
        );
        return rows.length > 0;
      },
      { what: `gig ${gigId} v${version} handled by chat` },
    );
    return gigId;
  }

  /** Publishes `gigs.gig.deleted` (as gigs would, with `version`) and waits until chat handled it. */
  async deleteGig(gigId: string, sellerId: string, version: number): Promise<void> {
    const event = createEnvelope(
      'gigs',
      'gigs.gig.deleted',
      { gigId, sellerId, deletedAt: new Date().toISOString() },
      new Date(),
      version,
    );
    await this.publisher.publish([event]);
    await eventually(
      async () =>
        (
          await this.db.query(
            `SELECT 1 FROM inbox_events WHERE consumer = 'chat.gigs' AND event_id = $1`,
            [event.id],
          )
        ).rows.length > 0,
      { what: `gig ${gigId} deleted in chat` },
    );
  }

  /** The credential the gateway signs for a viewer's operation on chat. */
  viewerCredential(account: { id: string } | null): Promise<string> {
    return this.signer.sign('chat', {
      viewer: account ? { id: account.id, roles: ['USER'] } : null,
      client: anonymousClient,
      requestId: randomUUID(),
    });
  }

  /** A graphql-ws connection to a chat process, authenticated as the gateway. */
  async socket(service: { url: string } = this.chat): Promise<Client> {
    const credential = await this.viewerCredential(null);
    const client = createClient({
      url: service.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { [INTERNAL_CREDENTIAL_HEADER]: credential },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
    });
    this.sockets.push(client);
    return client;
  }

  /** Subscribes as `account` (null: anonymous) on `socket`, collecting every result. */
  async subscribe(
    socket: Client,
    account: { id: string } | null,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<LiveSubscription> {
    const extensions = { [INTERNAL_CREDENTIAL_HEADER]: await this.viewerCredential(account) };
    const results: LiveSubscription['results'] = [];
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const unsubscribe = socket.subscribe(
      { query, variables, extensions },
      {
        next: (result) => void results.push(result as LiveSubscription['results'][number]),
        error: (error) => {
          results.push({
            errors: Array.isArray(error) ? error : [{ extensions: { code: 'SOCKET' } }],
          });
          finish();
        },
        complete: () => finish(),
      },
    );
    return {
      results,
      done,
      stop: async () => {
        unsubscribe();
        finish();
      },
    };
  }

  /** Waits until `count` chat processes hold subscriptions of the user (one presence row each). */
  async waitForConnections(userId: string, count: number): Promise<void> {
    await eventually(
      async () => {
        const { rows } = await this.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM presence_connections WHERE user_id = $1 AND expires_at > now()`,
          [userId],
        );
        return rows[0]?.n === count ? true : null;
      },
      { what: `${count} subscriptions of ${userId}` },
    );
  }

  /** Waits until the users' presence rows say `online` (what User.online reads). */
  async waitForOnline(userId: string, online: boolean): Promise<void> {
    await eventually(
      async () => {
        const { rows } = await this.db.query<{ online: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM presence_connections WHERE user_id = $1 AND expires_at > now()) AS online`,
          [userId],
        );
        return rows[0]?.online === online ? true : null;
      },
      { what: `${userId} ${online ? 'online' : 'offline'}` },
    );
  }

  /** Starts a conversation from `from` to `to` with one message; its id. */
  async converse(from: TestAccount, to: TestAccount, body = 'Hello'): Promise<string> {
    const { sendMessage } = await from.client.data<{ sendMessage: MessageJson }>(SEND_TO, {
      recipientId: to.id,
      body,
    });
    return sendMessage.conversation.id;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) await socket.dispose();
    await this.db.end();
    await this.publisher.close();
    for (const service of this.extra) await service.stop(1_000);
    await this.supergraph.stop();
  }
}

/** The error codes of a response. */
export function codes(response: GraphQLResponse<unknown>): unknown[] {
  return response.errors.map((error) => error.extensions?.['code']);
}
