import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { AmqpTransport, createEnvelope } from '@jobber/events';
import { createLogger } from '@jobber/service-kit';
import { eventually, testConfig, type Member, type TestSupergraph } from '@jobber/test-kit';

/** Fast presence timers for chat in tests (chat's own tests use the same). */
export const chatTimers = {
  PRESENCE_HEARTBEAT_MS: '200',
  PRESENCE_TTL_MS: '600',
  CHAT_SWEEP_MS: '200',
};

export const SEND_MESSAGE = `mutation ($recipientId: ID, $conversationId: ID, $body: String!) {
  sendMessage(recipientId: $recipientId, conversationId: $conversationId, body: $body) { id conversation { id } }
}`;

/**
 * What the chat tests through the gateway need beside the gateway: chat's database (to wait
 * until chat knows an account or a gig) and a publisher of gigs' events (there is no gigs
 * subgraph yet: chat learns gigs from `gigs.gig.*` events, so the test publishes one as gigs would).
 */
export class ChatWorld {
  private constructor(
    readonly db: pg.Pool,
    private readonly publisher: AmqpTransport,
  ) {}

  static open(supergraph: TestSupergraph): ChatWorld {
    const database = supergraph.databases.chat;
    if (!database) throw new Error('the chat tests need the chat subgraph');
    const publisher = new AmqpTransport({
      url: supergraph.events.amqpUrl,
      exchange: supergraph.events.exchange,
      queuePrefix: supergraph.events.queuePrefix,
      logger: createLogger({ service: 'chat-test', level: testConfig.TEST_LOG_LEVEL }),
    });
    return new ChatWorld(new pg.Pool({ connectionString: database.url, max: 2 }), publisher);
  }

  /** Waits until chat has the members' accounts (from auth's `auth.user.registered`). */
  async knows(...members: Member[]): Promise<void> {
    const ids = members.map((member) => member.id);
    await eventually(
      async () => {
        const { rows } = await this.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM accounts WHERE id = ANY($1::uuid[])',
          [ids],
        );
        return rows[0]?.n === ids.length;
      },
      { what: `${ids.length} accounts in chat`, timeoutMs: 30_000 },
    );
  }

  /** Publishes `gigs.gig.published` of a gig of `sellerId` and waits until chat handled it. */
  async publishGig(sellerId: string): Promise<string> {
    const gigId = randomUUID();
    const at = new Date().toISOString();
    const event = createEnvelope(
      'gigs',
      'gigs.gig.published',
      {
        gigId,
        sellerId,
        title: 'A logo',
        category: 'design',
        subCategory: 'logos',
        tags: [],
        priceCents: 5_000,
        currency: 'USD',
        deliveryDays: 3,
        coverImageUrl: null,
        active: true,
        createdAt: at,
        updatedAt: at,
      },
      new Date(),
      1,
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
      { what: `gig ${gigId} handled by chat` },
    );
    return gigId;
  }

  /** Waits until the user's presence rows say `online` (what User.online reads). */
  async waitForOnline(userId: string, online: boolean): Promise<void> {
    await eventually(
      async () => {
        const { rows } = await this.db.query<{ online: boolean }>(
          `SELECT EXISTS (SELECT 1 FROM presence_connections WHERE user_id = $1 AND expires_at > now()) AS online`,
          [userId],
        );
        return rows[0]?.online === online;
      },
      { what: `${userId} ${online ? 'online' : 'offline'}` },
    );
  }

  /** Waits until `count` chat processes hold subscriptions of the user. */
  async waitForConnections(userId: string, count: number): Promise<void> {
    await eventually(
      async () => {
        const { rows } = await this.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM presence_connections WHERE user_id = $1 AND expires_at > now()`,
          [userId],
        );
        return rows[0]?.n === count;
      },
      { what: `${count} chat processes holding ${userId}` },
    );
  }

  async close(): Promise<void> {
    await this.publisher.close();
    await this.db.end();
  }
}
