import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@jobber/service-kit';
import { createTestDatabase, statementCounter, type TestDatabase } from '@jobber/test-kit';
import { Conversations } from '../src/conversations.js';
import { OFFER_LIFETIME_MS, offerStateAt } from '../src/offers.js';
import { Presence } from '../src/presence.js';
import { ChatStore, createPrisma, type ChatPrisma } from '../src/store.js';

// The rules on the real store, with a clock of the test's own: presence of two chat processes
// (two Presence instances on one database), lapsed connections and the offer expiry sweep.

let database: TestDatabase;
let prisma: ChatPrisma;
let store: ChatStore;
let clock = Date.parse('2026-12-02T12:00:00.000Z');
const now = () => new Date(clock);
const timers = { heartbeatMs: 100, presenceTtlMs: 1_000, sweepMs: 100 };
const logger = createLogger({ service: 'chat-test', level: 'silent' });

async function events(type: string) {
  return prisma.$queryRawUnsafe<{ data: Record<string, unknown> }[]>(
    `SELECT payload->'data' AS data FROM outbox_events WHERE type = $1 ORDER BY seq`,
    type,
  );
}

async function presenceRow(userId: string) {
  const [row] = await prisma.$queryRawUnsafe<{ online: boolean; last_seen_at: Date | null }[]>(
    'SELECT online, last_seen_at FROM presence WHERE user_id = $1::uuid',
    userId,
  );
  return row;
}

beforeAll(async () => {
  database = await createTestDatabase('chat');
  prisma = createPrisma({ url: database.url, poolSize: 4 });
  store = new ChatStore({ prisma, name: 'chat', relay: { nudge: () => undefined } });
});
afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});
beforeEach(async () => {
  await prisma.$executeRawUnsafe('DELETE FROM outbox_events');
});

describe('presence across processes', () => {
  it('announces online at the first connection and offline when the last one ends, in any process', async () => {
    const [a, b] = [
      new Presence(store, timers, logger, now),
      new Presence(store, timers, logger, now),
    ];
    const user = randomUUID();
    const first = await a.connect(user);
    const second = await b.connect(user);
    await a.disconnect(first);
    expect((await presenceRow(user))?.online).toBe(true);
    await b.disconnect(second);
    expect(await presenceRow(user)).toEqual({ online: false, last_seen_at: now() });
    expect((await events('chat.presence.changed')).map((event) => event.data['online'])).toEqual([
      true,
      false,
    ]);
  });

  it('holds a burst of 600 subscribes and their ends over two processes in a few transactions, each user announced once each way', async () => {
    const counter = statementCounter();
    const counted = createPrisma({ url: database.url, poolSize: 4 }, counter.onQuery);
    const countedStore = new ChatStore({
      prisma: counted,
      name: 'chat',
      relay: { nudge: () => undefined },
    });
    try {
      const [a, b] = [
        new Presence(countedStore, timers, logger, now),
        new Presence(countedStore, timers, logger, now),
      ];
      // 400 users; 200 of them subscribe through both processes at the same moment.
      const users = Array.from({ length: 400 }, () => randomUUID());
      const [inA, inB] = await Promise.all([
        Promise.all(users.map((user) => a.connect(user))),
        Promise.all(users.slice(0, 200).map((user) => b.connect(user))),
      ]);
      expect((await store.presenceOf(users, now())).every((row) => row.online)).toBe(true);
      const announced = (await events('chat.presence.changed')).map((e) => e.data['userId']);
      expect(announced.sort()).toEqual([...users].sort());
      // One transaction per process for the burst (two if a batch was already being written):
      // not 600 of them.
      const opens = counter.statements.filter((sql) =>
        /INSERT INTO presence_connections/.test(sql),
      );
      expect(opens.length).toBeLessThanOrEqual(4);
      // Every stream ends at once (a gateway going away): as few transactions, one offline each.
      counter.reset();
      await Promise.all([
        ...inA.map((handle) => a.disconnect(handle)),
        ...inB.map((handle) => b.disconnect(handle)),
      ]);
      expect((await store.presenceOf(users, now())).some((row) => row.online)).toBe(false);
      const offline = (await events('chat.presence.changed')).filter((e) => !e.data['online']);
      expect(offline.map((e) => e.data['userId']).sort()).toEqual([...users].sort());
      const closes = counter.statements.filter((sql) =>
        /DELETE FROM presence_connections/.test(sql),
      );
      expect(closes.length).toBeLessThanOrEqual(4);
    } finally {
      await counted.$disconnect();
      // Their rows would lapse into the next tests' sweeps.
      await prisma.$executeRawUnsafe('DELETE FROM presence_connections');
    }
  });

  it('ends a stopped process’s connections once they lapse (the sweep of another process)', async () => {
    const [crashed, survivor] = [
      new Presence(store, timers, logger, now),
      new Presence(store, timers, logger, now),
    ];
    const user = randomUUID();
    await crashed.connect(user);
    // Within the TTL the sweep leaves it alone.
    clock += timers.presenceTtlMs - 1;
    expect(await survivor.sweep()).toBe(0);
    expect((await store.presenceOf([user], now()))[0]?.online).toBe(true);
    // `crashed` never beats again.
    clock += 2;
    expect((await store.presenceOf([user], now()))[0]?.online).toBe(false);
    expect(await survivor.sweep()).toBe(1);
    expect((await presenceRow(user))?.online).toBe(false);
    expect(await survivor.sweep()).toBe(0);
  });

  it('keeps connections alive by heartbeat, and revives rows swept while it could not beat', async () => {
    const [process, other] = [
      new Presence(store, timers, logger, now),
      new Presence(store, timers, logger, now),
    ];
    const user = randomUUID();
    await process.connect(user);
    clock += timers.presenceTtlMs - 10;
    await process.heartbeat();
    clock += timers.presenceTtlMs - 10;
    expect(await other.sweep()).toBe(0);
    // A missed beat (say the database was away) lets the row lapse and another process sweeps it…
    clock += timers.presenceTtlMs;
    expect(await other.sweep()).toBe(1);
    // …the next beat puts it back and announces the user online again.
    await process.heartbeat();
    expect((await presenceRow(user))?.online).toBe(true);
    expect((await events('chat.presence.changed')).map((event) => event.data['online'])).toEqual([
      true,
      false,
      true,
    ]);
  });
});

describe('offers', () => {
  it('is EXPIRED on read once 7 days have passed, whatever is stored', () => {
    const sent = new Date('2026-12-01T00:00:00.000Z');
    const offer = {
      state: 'OPEN' as const,
      expiresAt: new Date(sent.getTime() + OFFER_LIFETIME_MS),
    };
    expect(offerStateAt(offer, new Date(offer.expiresAt.getTime() - 1))).toBe('OPEN');
    expect(offerStateAt(offer, offer.expiresAt)).toBe('EXPIRED');
    expect(offerStateAt({ ...offer, state: 'DECLINED' }, offer.expiresAt)).toBe('DECLINED');
  });

  it('writes EXPIRED in the sweep and announces each offer once', async () => {
    const conversations = new Conversations(store, now);
    const [seller, buyer, gig] = [randomUUID(), randomUUID(), randomUUID()];
    await store.addAccount({ id: buyer, username: 'buyer', registeredAt: now() });
    await store.putGig({
      id: gig,
      sellerId: seller,
      title: 'Logo',
      active: true,
      updatedAt: now(),
    });
    const caller = (id: string) => ({
      viewer: { id, roles: ['USER'] },
      client: { ip: null, userAgent: null, deviceId: null },
    });
    const message = await conversations.sendMessage(
      { recipientId: buyer, body: 'hi' },
      caller(seller),
    );
    const offer = await conversations.sendOffer(
      {
        conversationId: message.conversationId,
        gigId: gig,
        priceCents: 5_000,
        deliveryDays: 3,
        description: 'Logo in three days',
      },
      caller(seller),
    );
    expect(await conversations.expireOffers()).toBe(0);
    clock += OFFER_LIFETIME_MS;
    expect(await conversations.expireOffers()).toBe(1);
    expect(await conversations.expireOffers()).toBe(0);
    const updates = await events('chat.offer.updated');
    expect(updates.map((event) => [event.data['offerId'], event.data['state']])).toEqual([
      [offer.id, 'EXPIRED'],
    ]);
    await expect(conversations.declineOffer(offer.id, caller(buyer))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });
});
