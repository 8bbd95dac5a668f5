// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import { parseGigsConfig, startGigsService } from '@jobber/gigs';
import { parseReviewsConfig, startReviewsService } from '@jobber/reviews';
import {
  deadLetterCount,
  eventually,
  signUpMember,
  startTestSupergraph,
  statementCounter,
  waitForBuyerProfile,
  type Member,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';
import { CREATE_GIG, gigInput, signUpSeller } from './gigs-helpers.js';
import { ReviewsWorld } from './reviews-kit.js';

// Reviews with the subgraphs that read them, through the gateway: both sides review completed
// orders (known to reviews from orders.order.completed, published here as orders would), the
// gig's rating (gigs) and the seller's (users) count each buyer's review exactly once even when
// every reviews event is delivered again twice, and a page of gigs with their reviews costs
// reviews one statement whatever its size.
let supergraph: TestSupergraph;
let reviews: ReviewsWorld;
const statements = statementCounter();
let seller: Member;
let gigId: string;

const ADD_REVIEW = `mutation ($orderId: ID!, $rating: Int!, $comment: String!) {
  addReview(orderId: $orderId, rating: $rating, comment: $comment) { id kind reviewee { username } }
}`;
const REPLY = `mutation ($reviewId: ID!, $body: String!) {
  replyToReview(reviewId: $reviewId, body: $body) { id reply { body } }
}`;
const RATINGS = `query ($id: ID!, $username: String!) {
  gig(id: $id) { rating { count average counts { one two three four five } } }
  seller(username: $username) { stats { ratingsCount ratingAverage } }
}`;

interface Ratings {
  gig: {
    rating: {
      count: number;
      average: number | null;
      counts: { one: number; two: number; three: number; four: number; five: number };
    };
  };
  seller: { stats: { ratingsCount: number; ratingAverage: number | null } };
}

beforeAll(async () => {
  supergraph = await startTestSupergraph({
    auth: (env) => startAuthService(parseAuthConfig(env)),
    users: (env) => startUsersService(parseUsersConfig(env)),
    gigs: (env) => startGigsService(parseGigsConfig(env)),
    reviews: (env) => startReviewsService(parseReviewsConfig(env), { onQuery: statements.onQuery }),
  });
  reviews = ReviewsWorld.open(supergraph);
  seller = await signUpSeller(supergraph);
  const { createGig } = await seller.client.data<{ createGig: { id: string } }>(CREATE_GIG, {
    input: gigInput({ title: 'I will design a reviewed logo' }),
  });
  gigId = createGig.id;
});
afterAll(async () => {
  await reviews?.close();
  await supergraph?.stop();
});

const ratings = () =>
  supergraph.client.data<Ratings>(RATINGS, { id: gigId, username: seller.username });
const ratedTimes = (count: number) =>
  eventually(
    async () => {
      const now = await ratings();
      return now.gig.rating.count === count && now.seller.stats.ratingsCount === count ? now : null;
    },
    { what: `${count} ratings in gigs and users`, timeoutMs: 30_000 },
  );

async function buyerReviews(
  rating: number,
): Promise<{ buyer: Member; orderId: string; id: string }> {
  const buyer = await signUpMember(supergraph.client);
  await waitForBuyerProfile(buyer);
  const { orderId } = await reviews.completeOrder({
    gigId,
    buyerId: buyer.id,
    sellerId: seller.id,
  });
  const { addReview } = await buyer.client.data<{
    addReview: { id: string; kind: string; reviewee: { username: string } };
  }>(ADD_REVIEW, { orderId, rating, comment: `${rating} stars` });
  expect(addReview).toMatchObject({
    kind: 'BUYER_TO_SELLER',
    reviewee: { username: seller.username },
  });
  return { buyer, orderId, id: addReview.id };
}

describe('reviews through the gateway', () => {
  it('counts each buyer’s review once into the gig’s and the seller’s ratings, every event delivered twice', async () => {
    const first = await buyerReviews(5);
    await buyerReviews(4);
    await buyerReviews(3);
    // The seller reviews a buyer (not the gig's or the seller's rating) and answers a review.
    const bySeller = await seller.client.data<{ addReview: { kind: string } }>(ADD_REVIEW, {
      orderId: first.orderId,
      rating: 2,
      comment: 'Slow to answer',
    });
    expect(bySeller.addReview.kind).toBe('SELLER_TO_BUYER');
    await seller.client.data(REPLY, { reviewId: first.id, body: 'Thanks!' });
    await ratedTimes(3);

    // Every event reviews published, delivered twice more; then one more review as a marker.
    const published = await eventually(
      async () => {
        const events = await reviews.publishedEvents();
        return events.length === 5 ? events : null;
      },
      { what: 'reviews’ 5 events published' },
    );
    await reviews.publisher.publish([...published, ...published]);
    await buyerReviews(1);
    const counted = await ratedTimes(4);
    expect(counted).toEqual({
      gig: {
        rating: { count: 4, average: 3.25, counts: { one: 1, two: 0, three: 1, four: 1, five: 1 } },
      },
      seller: { stats: { ratingsCount: 4, ratingAverage: 3.25 } },
    });
    expect(await deadLetterCount(supergraph.events, 'gigs.ratings')).toBe(0);
    expect(await deadLetterCount(supergraph.events, 'users.ratings')).toBe(0);

    const page = await supergraph.client.data<{
      gig: {
        reviews: {
          edges: { node: { rating: number; reviewer: { username: string }; reply: unknown } }[];
        };
      };
    }>(
      `query ($id: ID!) { gig(id: $id) { reviews(first: 10) {
        edges { node { rating reviewer { username } reply { body } } } } } }`,
      { id: gigId },
    );
    expect(page.gig.reviews.edges.map((edge) => edge.node.rating)).toEqual([1, 3, 4, 5]);
    expect(page.gig.reviews.edges[3]?.node).toEqual({
      rating: 5,
      reviewer: { username: first.buyer.username },
      reply: { body: 'Thanks!' },
    });
  });

  it('reads the reviews of a page of 10 or 50 gigs in one reviews statement', async () => {
    for (let n = 1; n < 50; n++) {
      await seller.client.data(CREATE_GIG, { input: gigInput({ title: `Reviewed logo no ${n}` }) });
    }
    const QUERY = `query ($username: String!, $first: Int!) {
      seller(username: $username) { user { gigs(first: $first) { edges { node { id
        reviews(first: 3) { edges { node { rating reviewer { username } } } pageInfo { hasNextPage } }
      } } } } }
    }`;
    interface Page {
      seller: {
        user: {
          gigs: {
            edges: {
              node: {
                id: string;
                reviews: {
                  edges: { node: { rating: number } }[];
                  pageInfo: { hasNextPage: boolean };
                };
              };
            }[];
          };
        };
      };
    }
    const measure = async (first: number) => {
      statements.reset();
      const data = await supergraph.client.data<Page>(QUERY, { username: seller.username, first });
      return { edges: data.seller.user.gigs.edges, count: statements.count };
    };
    const ten = await measure(10);
    const fifty = await measure(50);
    expect(ten.edges).toHaveLength(10);
    expect(fifty.edges).toHaveLength(50);
    const rated = fifty.edges.find((edge) => edge.node.id === gigId)?.node.reviews;
    expect(rated?.edges.map((edge) => edge.node.rating)).toEqual([1, 3, 4]);
    expect(rated?.pageInfo.hasNextPage).toBe(true);
    expect(ten.count).toBe(1);
    expect(fifty.count).toBe(1);
  });
});
