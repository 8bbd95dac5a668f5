import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { AmqpTransport, createEnvelope, type EventEnvelope } from '@jobber/events';
import {
  INTERNAL_CREDENTIAL_HEADER,
  anonymousClient,
  createInternalCredentialSigner,
  createLogger,
} from '@jobber/service-kit';
import {
  GraphQLClient,
  eventually,
  signAccessToken,
  startTestSupergraph,
  testConfig,
  type GraphQLResponse,
  type TestSupergraph,
} from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '../src/index.js';

/** A registered account (as auth would announce it) and a gateway client signed in as it. */
export interface TestAccount {
  id: string;
  username: string;
  country: string;
  avatarUrl: string | null;
  registeredAt: string;
  client: GraphQLClient;
}

/** A complete, valid `SellerProfileInput`; override what a test is about. */
export function sellerInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    fullName: 'Ada Lovelace',
    oneliner: 'I write programs for engines',
    description: 'Twenty years of analytical engine programming, notes and translations.',
    skills: ['TypeScript', 'GraphQL'],
    languages: [{ language: 'English', level: 'NATIVE' }],
    experience: [
      {
        company: 'Analytical Engines Ltd',
        title: 'Programmer',
        startDate: '2019-03',
        endDate: null,
        description: 'Notes on the engine.',
      },
    ],
    education: [
      { school: 'Home', degree: 'None', major: 'Mathematics', country: 'gb', year: 2015 },
    ],
    certificates: [{ name: 'Engines 101', issuer: 'Royal Society', year: 2020 }],
    socialLinks: ['https://example.com/ada'],
    responseTimeHours: 24,
    ...overrides,
  };
}

export const SELLER_FIELDS = `
  fullName oneliner description skills languages { language level }
  experience { company title startDate endDate description }
  education { school degree major country year }
  certificates { name issuer year }
  socialLinks responseTimeHours createdAt updatedAt
  stats {
    ratingsCount ratingAverage ratingCounts { one two three four five }
    ongoingJobs completedJobs cancelledJobs totalEarningsCents gigCount
  }
  user { id }
`;

export const BECOME_SELLER = `mutation ($input: SellerProfileInput!) {
  becomeSeller(input: $input) { ${SELLER_FIELDS} }
}`;

export const UPDATE_SELLER = `mutation ($input: SellerProfileUpdateInput!) {
  updateSellerProfile(input: $input) { ${SELLER_FIELDS} }
}`;

export interface BuyerJson {
  country: string;
  avatarUrl: string | null;
  purchasedGigsCount: number;
  createdAt: string;
}

export interface SellerJson {
  fullName: string;
  oneliner: string;
  description: string;
  skills: string[];
  languages: { language: string; level: string }[];
  experience: { startDate: string; endDate: string | null }[];
  education: { country: string; year: number }[];
  socialLinks: string[];
  responseTimeHours: number;
  createdAt: string;
  updatedAt: string;
  stats: Record<string, unknown>;
  user: { id: string };
}

/**
 * The users subgraph behind a real gateway, on a database, exchange and queues of its own;
 * accounts come from real `auth.user.registered` events, as in production.
 */
export class UsersKit {
  private readonly observed: EventEnvelope[] = [];
  private readonly extraQueues: string[] = [];

  private constructor(
    /** Every SQL statement the users service ran that reads or writes the profile tables. */
    readonly profileQueries: string[],
    readonly supergraph: TestSupergraph,
    readonly publisher: AmqpTransport,
    readonly db: pg.Pool,
  ) {}

  /** `env` adds to or overrides the service's environment (e.g. DATABASE_POOL_SIZE). */
  static async start(env: Record<string, string> = {}): Promise<UsersKit> {
    const profileQueries: string[] = [];
    const onQuery = (sql: string) => {
      if (sql.includes('"sellers"') || sql.includes('"buyers"')) profileQueries.push(sql);
    };
    const supergraph = await startTestSupergraph({
      users: (base) => startUsersService(parseUsersConfig({ ...base, ...env }), { onQuery }),
    });
    const logger = createLogger({ service: 'users-test', level: testConfig.TEST_LOG_LEVEL });
    const publisher = new AmqpTransport({
      url: supergraph.events.amqpUrl,
      exchange: supergraph.events.exchange,
      queuePrefix: supergraph.events.queuePrefix,
      logger,
    });
    const database = supergraph.databases.users;
    if (!database) throw new Error('users has no database');
    const db = new pg.Pool({ connectionString: database.url, max: 2 });
    return new UsersKit(profileQueries, supergraph, publisher, db);
  }

  get client(): GraphQLClient {
    return this.supergraph.client;
  }

  /** Publishes `auth.user.registered` for each new account, as auth does on sign-up. */
  async register(count = 1, overrides: Partial<Omit<TestAccount, 'client'>> = {}) {
    const accounts: TestAccount[] = [];
    const envelopes: EventEnvelope[] = [];
    for (let i = 0; i < count; i++) {
      const account = {
        id: randomUUID(),
        username: `user_${randomBytes(6).toString('hex')}`,
        country: 'DE',
        avatarUrl: 'https://cdn.example.com/a.png',
        registeredAt: new Date().toISOString(),
        ...overrides,
      };
      const token = await signAccessToken(this.supergraph.keys, { userId: account.id });
      accounts.push({ ...account, client: this.client.as({ token }) });
      envelopes.push(registration(account));
    }
    await this.publisher.publish(envelopes);
    return accounts;
  }

  async registerOne(overrides: Partial<Omit<TestAccount, 'client'>> = {}): Promise<TestAccount> {
    const [account] = await this.register(1, overrides);
    if (!account) throw new Error('no account');
    return account;
  }

  /** `becomeSeller` as the account, retried while its registration is still on its way. */
  async becomeSeller(account: TestAccount, input = sellerInput()): Promise<SellerJson> {
    return eventually(
      async () => {
        const response = await account.client.request<{ becomeSeller: SellerJson }>(BECOME_SELLER, {
          input,
        });
        if (response.errors[0]?.extensions?.['code'] === 'NOT_FOUND') return null;
        if (response.errors.length || !response.data) {
          throw new Error(`becomeSeller failed: ${JSON.stringify(response.errors)}`);
        }
        return response.data.becomeSeller;
      },
      { what: `${account.username}'s buyer profile` },
    );
  }

  /** The buyer profile as the gateway fetches it for a User entity (`_entities`), or null. */
  async buyerProfile(userId: string): Promise<BuyerJson | null> {
    const response = await this.subgraphRequest<{
      _entities: { buyerProfile: BuyerJson | null }[];
    }>(
      `query ($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on User { buyerProfile { country avatarUrl purchasedGigsCount createdAt } }
        }
      }`,
      { representations: [{ __typename: 'User', id: userId }] },
    );
    if (response.errors.length) throw new Error(JSON.stringify(response.errors));
    return response.data?._entities[0]?.buyerProfile ?? null;
  }

  /** Waits until the account's registration has been consumed. */
  waitForBuyer(account: { id: string; username: string }): Promise<BuyerJson> {
    return eventually(() => this.buyerProfile(account.id), {
      what: `${account.username}'s buyer profile`,
    });
  }

  /** Runs an operation on the users subgraph directly, with a credential the gateway would sign. */
  async subgraphRequest<T>(query: string, variables: Record<string, unknown> = {}) {
    const users = this.supergraph.subgraphs.users;
    if (!users) throw new Error('users is not running');
    const signer = createInternalCredentialSigner({
      privateKeyPem: this.supergraph.keys.internal.privateKeyPem,
    });
    const credential = await signer.sign('users', {
      viewer: null,
      client: anonymousClient,
      requestId: randomUUID(),
    });
    const response = await fetch(users.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_CREDENTIAL_HEADER]: credential },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: GraphQLResponse<T>['errors'] };
    return { data: body.data ?? null, errors: body.errors ?? [] };
  }

  /** Collects the seller events the outbox relay publishes (a queue of the test's own). */
  async observeSellerEvents(): Promise<EventEnvelope[]> {
    const queue = 'users-test.sellers';
    this.extraQueues.push(queue);
    await this.publisher.consume(
      {
        queue,
        types: ['users.seller.created', 'users.seller.updated'],
        retryDelaysMs: [1000, 10_000, 60_000],
      },
      async (raw) => {
        this.observed.push(raw as EventEnvelope);
        return 'ack';
      },
    );
    return this.observed;
  }

  /** Rows of the outbox, oldest first. */
  async outbox(): Promise<{ type: string; payload: EventEnvelope }[]> {
    const { rows } = await this.db.query<{ type: string; payload: EventEnvelope }>(
      'SELECT type, payload FROM outbox_events ORDER BY seq',
    );
    return rows;
  }

  async stop(): Promise<void> {
    // The pool first: dropping the database ends its connections.
    await this.db.end();
    await this.publisher.close();
    for (const queue of this.extraQueues) this.supergraph.trackQueue(queue);
    // Also removes the test's exchange and the consumers' queues.
    await this.supergraph.stop();
  }
}

export function registration(account: Omit<TestAccount, 'client'>) {
  return createEnvelope('auth', 'auth.user.registered', {
    userId: account.id,
    email: `${account.username}@example.com`,
    username: account.username,
    country: account.country,
    profilePictureUrl: account.avatarUrl,
    registeredAt: account.registeredAt,
  });
}

/** The error codes and first `extensions.field` of a response. */
export function failure(response: GraphQLResponse<unknown>) {
  return {
    codes: response.errors.map((error) => error.extensions?.['code']),
    field: response.errors[0]?.extensions?.['field'],
  };
}
