import pg from 'pg';
import {
  MEMBER_PASSWORD,
  becomeSeller,
  eventually,
  signAccessToken,
  signUpMember,
  uniqueTag,
  waitForBuyerProfile,
  type GraphQLClient,
  type Member,
  type TestSupergraph,
} from '@jobber/test-kit';
import {
  CreateGigDocument,
  SearchGigsDocument,
  SignInDocument,
  type SessionFragment,
} from '../../generated/client/graphql.js';
import { ChatWorld } from '../chat-kit.js';
import { ReviewsWorld } from '../reviews-kit.js';
import { executeData } from './execute.js';

/** The auth events that carry what an email would: a sign-in code or a one-time token. */
type EmailedSecret =
  | { type: 'auth.sign_in.code_requested'; field: 'code' }
  | { type: 'auth.password.reset_requested'; field: 'token' };

/** What the operation fixtures build on: members made through the public API, and their mail. */
export interface World {
  /** The gateway, anonymous. */
  client: GraphQLClient;
  /** A new member (a signed-up account whose buyer profile exists). */
  member(): Promise<Member>;
  /** A new member who is a seller; `skills` replaces the default skills. */
  seller(skills?: string[]): Promise<Member>;
  /** A new seller whose profile the gigs subgraph has received (users.seller.created). */
  gigSeller(): Promise<Member>;
  /** A gig published by a new seller, once search finds it; its id. */
  publishedGig(title: string): Promise<{ id: string; seller: Member }>;
  /** A new session of the member on its sign-up device (SignIn with its device secret). */
  session(member: Member): Promise<SessionFragment>;
  /** The newest code or token auth had emailed to the user (read from auth's outbox). */
  emailed(userId: string, secret: EmailedSecret): Promise<string>;
  /** The gateway's URL (graphql-ws is on the same path). */
  gatewayUrl: string;
  /** An access token of the member (for a graphql-ws `connection_init`). */
  token(member: Member): Promise<string>;
  /** Chat's side: accounts it knows, presence rows (only with the chat subgraph running). */
  chat(): ChatWorld;
  /** Reviews' side: completed orders as orders would announce them (reviews running). */
  reviews(): ReviewsWorld;
  close(): Promise<void>;
}

export function createWorld(supergraph: TestSupergraph): World {
  const authDatabase = supergraph.databases.auth;
  if (!authDatabase) throw new Error('the operation fixtures need the auth subgraph');
  const auth = new pg.Pool({ connectionString: authDatabase.url, max: 1 });
  const gigsDatabase = supergraph.databases.gigs;
  const gigs = gigsDatabase ? new pg.Pool({ connectionString: gigsDatabase.url, max: 1 }) : null;
  let chat: ChatWorld | undefined;
  let reviews: ReviewsWorld | undefined;

  const member = async () => {
    const created = await signUpMember(supergraph.client, { username: `smoke_${uniqueTag()}` });
    await waitForBuyerProfile(created);
    return created;
  };

  const gigSeller = async () => {
    if (!gigs) throw new Error('the gig fixtures need the gigs subgraph');
    const created = await member();
    await becomeSeller(created);
    await eventually(
      async () =>
        (await gigs.query('SELECT 1 FROM sellers WHERE user_id = $1', [created.id])).rowCount === 1,
      { timeoutMs: 10_000, intervalMs: 20, what: `gigs' seller row for ${created.username}` },
    );
    return created;
  };

  return {
    client: supergraph.client,
    member,
    gigSeller,
    async publishedGig(title) {
      const seller = await gigSeller();
      const data = await executeData(seller.client, CreateGigDocument, {
        input: {
          title,
          description: 'Clean vector logos with unlimited revisions and all source files.',
          category: 'graphics-design',
          subCategory: 'logo-design',
          tags: ['logo', 'branding'],
          priceCents: 5_000,
          deliveryDays: 3,
        },
      });
      const id = data.createGig.id;
      await eventually(
        async () =>
          (
            await executeData(supergraph.client, SearchGigsDocument, { query: title, first: 5 })
          ).searchGigs.edges.some((edge) => edge.node.id === id),
        { timeoutMs: 10_000, intervalMs: 20, what: `search finding ${title}` },
      );
      return { id, seller };
    },
    async seller(skills) {
      const created = await member();
      await becomeSeller(created, skills ? { skills } : {});
      return created;
    },
    async session(of) {
      const data = await executeData(supergraph.client, SignInDocument, {
        input: {
          emailOrUsername: of.username,
          password: MEMBER_PASSWORD,
          deviceSecret: of.deviceSecret,
        },
      });
      if (data.signIn.__typename !== 'AuthSession') {
        throw new Error(`signIn with the device secret answered ${data.signIn.__typename}`);
      }
      return data.signIn;
    },
    emailed(userId, { type, field }) {
      return eventually(
        async () => {
          const { rows } = await auth.query<{ secret: string | null }>(
            `SELECT payload->'data'->>$3 AS secret FROM outbox_events
             WHERE type = $1 AND payload->'data'->>'userId' = $2 ORDER BY seq DESC LIMIT 1`,
            [type, userId, field],
          );
          return rows[0]?.secret;
        },
        { timeoutMs: 10_000, intervalMs: 20, what: `a ${type} event for ${userId}` },
      );
    },
    gatewayUrl: supergraph.gatewayUrl,
    token: (of) => signAccessToken(supergraph.keys, { userId: of.id }),
    chat() {
      chat ??= ChatWorld.open(supergraph);
      return chat;
    },
    reviews() {
      reviews ??= ReviewsWorld.open(supergraph);
      return reviews;
    },
    async close() {
      await chat?.close();
      await reviews?.close();
      await auth.end();
      await gigs?.end();
    },
  };
}
