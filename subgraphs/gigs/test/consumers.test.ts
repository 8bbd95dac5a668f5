// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmqpTransport, createEnvelope, type EventEnvelope } from '@jobber/events';
import { createLogger } from '@jobber/service-kit';
import {
  errorCodes,
  eventually,
  signAccessToken,
  startTestSupergraph,
  testConfig,
  type GraphQLClient,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseGigsConfig, startGigsService } from '../src/index.js';

// The gigs subgraph alone behind a gateway, fed users' and reviews' events directly: sellers
// (versions compare-and-set), ratings (once per review) and the search documents they change.
let supergraph: TestSupergraph;
let publisher: AmqpTransport;

beforeAll(async () => {
  supergraph = await startTestSupergraph({
    gigs: (env) => startGigsService(parseGigsConfig(env)),
  });
  publisher = new AmqpTransport({
    url: supergraph.events.amqpUrl,
    exchange: supergraph.events.exchange,
    queuePrefix: supergraph.events.queuePrefix,
    logger: createLogger({ service: 'gigs-test', level: testConfig.TEST_LOG_LEVEL }),
  });
});
afterAll(async () => {
  await publisher?.close();
  await supergraph?.stop();
});

const sellerEvent = (
  type: 'users.seller.created' | 'users.seller.updated',
  userId: string,
  fullName: string,
  version: number,
): EventEnvelope =>
  createEnvelope(
    'users',
    type,
    {
      userId,
      username: `u${userId.slice(0, 8)}`,
      fullName,
      oneliner: 'Logos and more',
      skills: ['design'],
      languages: [{ language: 'English', level: 'FLUENT' }],
      country: 'GB',
    },
    new Date(),
    version,
  );

const review = (
  reviewId: string,
  gigId: string,
  sellerId: string,
  rating: number,
  kind: 'BUYER_TO_SELLER' | 'SELLER_TO_BUYER' = 'BUYER_TO_SELLER',
) => {
  const buyerId = randomUUID();
  return createEnvelope(
    'reviews',
    'reviews.review.created',
    {
      reviewId,
      orderId: randomUUID(),
      gigId,
      sellerId,
      buyerId,
      kind,
      reviewerId: kind === 'BUYER_TO_SELLER' ? buyerId : sellerId,
      revieweeId: kind === 'BUYER_TO_SELLER' ? sellerId : buyerId,
      rating,
      comment: 'Great work',
      createdAt: new Date().toISOString(),
    },
    new Date(),
    1,
  );
};

const CREATE = `mutation($input: CreateGigInput!) { createGig(input: $input) { id } }`;
const input = {
  title: 'I will record a warm voice over',
  description: 'Studio quality voice over for ads, explainers and audio books.',
  category: 'music-audio',
  subCategory: 'voice-over',
  tags: ['voice', 'audio'],
  priceCents: 7_500,
  deliveryDays: 2,
};

/** Waits until the consumer has handled (applied or skipped) every one of these envelopes. */
async function eventuallyHandled(consumer: string, eventIds: string[]): Promise<void> {
  const db = supergraph.databases.gigs;
  if (!db) throw new Error('no gigs database');
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await eventually(
      async () => {
        const { rows } = await client.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM inbox_events WHERE consumer = $1 AND event_id = ANY($2::uuid[])',
          [consumer, eventIds],
        );
        return rows[0]?.n === eventIds.length ? true : null;
      },
      { what: `${eventIds.length} events handled by ${consumer}` },
    );
  } finally {
    await client.end();
  }
}

async function clientFor(userId: string): Promise<GraphQLClient> {
  return supergraph.client.as({ token: await signAccessToken(supergraph.keys, { userId }) });
}

describe('gigs consumers', () => {
  it('a user becomes a seller through users.seller.created, not before', async () => {
    const userId = randomUUID();
    const client = await clientFor(userId);
    expect(errorCodes(await client.request(CREATE, { input }))).toEqual(['FORBIDDEN']);
    await publisher.publish([sellerEvent('users.seller.created', userId, 'Ada One', 1)]);
    const created = await eventually(
      async () => {
        const response = await client.request<{ createGig: { id: string } }>(CREATE, { input });
        return response.errors.length === 0 ? response.data?.createGig : null;
      },
      { what: 'createGig once gigs knows the seller' },
    );
    expect(created?.id).toBeTruthy();
  });

  it('keeps the newest seller fields: a late older update is skipped', async () => {
    const userId = randomUUID();
    await publisher.publish([
      sellerEvent('users.seller.created', userId, 'First Name', 1),
      sellerEvent('users.seller.updated', userId, 'Newest Name', 3),
    ]);
    const db = supergraph.databases.gigs;
    if (!db) throw new Error('no gigs database');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const nameIs = async (name: string) =>
        (await client.query('SELECT full_name FROM sellers WHERE user_id = $1', [userId])).rows[0]
          ?.full_name === name;
      await eventually(() => nameIs('Newest Name'), { what: 'the newest name' });
      await publisher.publish([sellerEvent('users.seller.updated', userId, 'Stale Name', 2)]);
      // A marker event after the stale one: once it is applied, the stale one was handled too.
      await publisher.publish([sellerEvent('users.seller.updated', randomUUID(), 'Marker', 1)]);
      await eventually(
        async () =>
          (await client.query("SELECT 1 FROM sellers WHERE full_name = 'Marker'")).rowCount === 1,
        { what: 'the marker event' },
      );
      expect(await nameIs('Newest Name')).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('counts each review once into the rating summary and the search document', async () => {
    const userId = randomUUID();
    await publisher.publish([sellerEvent('users.seller.created', userId, 'Rated Seller', 1)]);
    const client = await clientFor(userId);
    const gig = await eventually(
      async () => {
        const response = await client.request<{ createGig: { id: string } }>(CREATE, { input });
        return response.errors.length === 0 ? response.data?.createGig : null;
      },
      { what: 'createGig once gigs knows the seller' },
    );
    const gigId = gig?.id ?? '';
    const first = randomUUID();
    const reviews = [
      review(randomUUID(), gigId, userId, 1, 'SELLER_TO_BUYER'), // of the buyer: not the gig's
      review(first, gigId, userId, 5),
      review(first, gigId, userId, 5), // the same review again (a new envelope): counted once
      review(randomUUID(), gigId, userId, 2),
    ];
    // Every envelope delivered twice as well: the inbox takes each once.
    await publisher.publish([...reviews, ...reviews]);
    await eventuallyHandled(
      'gigs.ratings',
      reviews.map((envelope) => envelope.id),
    );
    const RATING = `query($id: ID!) { gig(id: $id) { rating { count average counts { two five } } } }`;
    const rating = await eventually(
      async () => {
        const data = await supergraph.client.data<{
          gig: {
            rating: { count: number; average: number; counts: { two: number; five: number } };
          };
        }>(RATING, { id: gigId });
        return data.gig.rating.count >= 2 ? data.gig.rating : null;
      },
      { what: 'two ratings counted' },
    );
    expect(rating).toEqual({ count: 2, average: 3.5, counts: { two: 1, five: 1 } });
    const TOP = `query { topRatedGigs(category: "voice-over", first: 5) { id rating { count } } }`;
    const top = await eventually(
      async () => {
        const data = await supergraph.client.data<{ topRatedGigs: { id: string }[] }>(TOP);
        return data.topRatedGigs.some((entry) => entry.id === gigId) ? data.topRatedGigs : null;
      },
      { what: 'the rated gig among the top rated' },
    );
    expect(top[0]?.id).toBe(gigId);
  });
});
