// @module-tag broker (needs RabbitMQ: skipped and counted when it is not reachable)
import { createHash } from 'node:crypto';
import { request as httpRequest, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthConfig, startAuthService } from '@jobber/auth';
import {
  becomeSeller,
  signUpMember,
  startTestSupergraph,
  statementCounter,
  type GraphQLResponse,
  type TestSupergraph,
  waitForBuyerProfile,
} from '@jobber/test-kit';
import { parseUsersConfig, startUsersService } from '@jobber/users';

// Issue 13, items 1, 2 and 6: the attacks, sent to a real gateway, refused before planning.
let supergraph: TestSupergraph;
const statements = { auth: statementCounter(), users: statementCounter() };

beforeAll(async () => {
  supergraph = await startTestSupergraph({
    auth: (env) => startAuthService(parseAuthConfig(env), { onQuery: statements.auth.onQuery }),
    users: (env) => startUsersService(parseUsersConfig(env), { onQuery: statements.users.onQuery }),
  });
  const member = await signUpMember(supergraph.client);
  await waitForBuyerProfile(member);
  await becomeSeller(member);
});
afterAll(() => supergraph?.stop());

const send = (query: string, variables: Record<string, unknown> = {}) =>
  supergraph.client.request(query, variables);

/** The answer to a refusal before planning: 400, one BAD_REQUEST naming the limit. */
function expectRefused(response: GraphQLResponse<unknown>, limit: string) {
  expect(response.status).toBe(400);
  expect(response.data).toBeNull();
  expect(response.errors).toEqual([
    {
      message: expect.stringMatching(/^The operation has .+; at most \d+ are allowed\.$/),
      extensions: { code: 'BAD_REQUEST', limit, max: expect.any(Number) },
    },
  ]);
}

const repeat = (count: number, item: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => item(i)).join(' ');

const SELLERS_PAGE = (first: number | string, alias = 'sellers') =>
  `${alias}: sellers(first: ${first}) { edges { node { fullName skills stats { gigCount } user { id username buyerProfile { country } } } } pageInfo { endCursor } }`;

/** `{ ...F0 }` and fragments each spreading the next one twice: 2^22 fields in 910 bytes. */
function fragmentBomb(levels = 22): string {
  const fragments = repeat(levels, (i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  return `{ ...F0 } ${fragments} fragment F${levels} on Query { __typename }`;
}

const fragmentChain = (length: number) =>
  `{ ...F0 } ${repeat(length, (i) => `fragment F${i} on Query { ...F${i + 1} }`)} fragment F${length} on Query { __typename }`;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

describe('operation limits (issue 13, items 1 and 2)', () => {
  it('answers the 910-byte fragment bomb at once, about as fast as a normal query', async () => {
    const bomb = fragmentBomb();
    expect(bomb.length).toBeLessThan(1_000);
    const normal = '{ sellers(first: 5) { edges { node { fullName } } } }';
    await send(normal); // warm
    const normalTimes: number[] = [];
    const bombTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      normalTimes.push((await timed(() => send(normal))).ms);
      const { ms, result } = await timed(() => send(bomb));
      expectRefused(result, 'cost');
      bombTimes.push(ms);
    }
    // Before: 10–13 s of CPU for the bomb. A normal query (one subgraph fetch) is the yardstick.
    expect(median(bombTimes)).toBeLessThan(3 * median(normalTimes));
    // And nobody waited behind it: a normal query sent with bombs still answers.
    const [, page] = await Promise.all([send(bomb), send(normal), send(bomb)]);
    expect(page?.errors).toEqual([]);
  });

  it('refuses 1,000 aliases of sellers(first: 100) and 50,000 __typename aliases without planning', async () => {
    const before = statements.users.count;
    expectRefused(await send(`{ ${repeat(1_000, (i) => SELLERS_PAGE(100, `s${i}`))} }`), 'tokens');
    expectRefused(await send(`{ ${repeat(50_000, (i) => `a${i}: __typename`)} }`), 'tokens');
    expectRefused(await send(`{ ${repeat(51, (i) => `a${i}: __typename`)} }`), 'aliases');
    expectRefused(
      await send(`{ ${repeat(30, (i) => `s${i}: sellers(first: 100) { edges { cursor } }`)} }`),
      'cost',
    );
    expect(statements.users.count).toBe(before);
  });

  it('weighs list fields by first, from literals, variables and the schema default', async () => {
    const pages = (count: number, first: string) =>
      `query${first === '$n' ? '($n: Int)' : ''} { ${repeat(count, (i) => SELLERS_PAGE(first, `s${i}`))} }`;
    // One page of 100 costs 1,301; three fit under 5,000, four do not.
    expect((await send(pages(3, '100'))).errors).toEqual([]);
    expectRefused(await send(pages(4, '100')), 'cost');
    expectRefused(await send(pages(4, '$n'), { n: 100 }), 'cost');
    expect((await send(pages(4, '$n'), { n: 10 })).errors).toEqual([]);
    // sellers' default page is 20.
    const defaults = `{ ${repeat(15, (i) => `s${i}: sellers { edges { node { fullName skills stats { gigCount ratingsCount } } } }`)} }`;
    expect((await send(defaults)).errors).toEqual([]);
  });

  it('refuses a 4,000-fragment chain (a 500 from a stack overflow before) and long chains within the token limit', async () => {
    expectRefused(await send(fragmentChain(4_000)), 'tokens');
    expectRefused(await send(fragmentChain(1_100)), 'fragmentSpreads');
    expect((await send(fragmentChain(50))).errors).toEqual([]);
  });

  it('refuses too many root fields, directives and repeated fields, and deep nesting before parsing', async () => {
    expectRefused(await send(`{ ${repeat(21, () => 'viewer { id }')} }`), 'rootFields');
    expectRefused(
      await send(`{ viewer { ${repeat(51, () => 'id @include(if: true)')} } }`),
      'directives',
    );
    expectRefused(await send(`{ viewer { ${repeat(102, () => 'id')} } }`), 'repeatedFields');
    // Thousands of brackets overflowed the recursive parser; they are refused by the lexer pass.
    expectRefused(await send(`{ ${'viewer { '.repeat(4_000)}id${' }'.repeat(4_001)}`), 'depth');
    const nest = (levels: number): string =>
      levels === 0 ? 'id' : `sellerProfile { user { ${nest(levels - 1)} } }`;
    expectRefused(await send(`{ viewer { ${nest(6)} } }`), 'depth');
    expect((await send(`{ viewer { ${nest(5)} } }`)).errors).toEqual([]);
  });

  it('serves the product screens under the limits', async () => {
    const page = await send(`{ ${SELLERS_PAGE(100)} }`);
    expect(page.errors).toEqual([]);
    expect(page.data).toMatchObject({ sellers: { edges: [expect.anything()] } });
  });
});

describe('production answers (issue 13, item 6)', () => {
  it('gives no "Did you mean" suggestions', async () => {
    const response = await send('{ viewr { id } sellers(frist: 1) { edges { cursor } } }');
    expect(response.status).toBe(400);
    expect(response.errors.length).toBeGreaterThan(0);
    expect(JSON.stringify(response.errors)).not.toMatch(/Did you mean/);
  });

  it('answers an unknown operationName, two anonymous operations and a subscription with 400 BAD_REQUEST, over POST and GET', async () => {
    const post = async (body: Record<string, unknown>) => {
      const response = await fetch(supergraph.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    const get = async (params: Record<string, string>) => {
      const url = new URL(supergraph.gatewayUrl);
      for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
      // Apollo's CSRF prevention wants a header a simple cross-site request cannot set.
      const response = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
      return { status: response.status, body: (await response.json()) as unknown };
    };
    const badRequest = (message: string) => ({
      status: 400,
      body: { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] },
    });
    const cases: [Record<string, string>, string][] = [
      [
        { query: 'query A { viewer { id } }', operationName: 'B' },
        'No operation named "B" in the document.',
      ],
      [
        { query: '{ viewer { id } } { viewer { id } }' },
        'The document holds several operations: name the one to run in operationName.',
      ],
      [
        { query: 'query A { viewer { id } } query B { viewer { id } }' },
        'The document holds several operations: name the one to run in operationName.',
      ],
      [
        { query: 'subscription { viewer { id } }' },
        'Subscriptions are served over WebSocket (graphql-ws), not over HTTP.',
      ],
    ];
    for (const [params, message] of cases) {
      expect(await post(params)).toEqual(badRequest(message));
      expect(await get(params)).toEqual(badRequest(message));
    }
    // The operation named in a document of several runs; other validation errors keep their code.
    const named = await post({
      query: 'query A { viewer { id } } query B { __typename }',
      operationName: 'B',
    });
    expect(named).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
    const unknownField = await post({ query: '{ viewer { nope } }' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body).toMatchObject({
      errors: [{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
    });
  });

  it('serves no persisted queries: a hash without the text would skip the limits', async () => {
    const query = 'query($n: Int) { sellers(first: $n) { edges { cursor } } }';
    const persistedQuery = {
      version: 1,
      sha256Hash: createHash('sha256').update(query).digest('hex'),
    };
    const post = async (body: Record<string, unknown>) => {
      const response = await fetch(supergraph.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as GraphQLResponse<unknown> };
    };
    await post({ query, variables: { n: 1 }, extensions: { persistedQuery } });
    const byHash = await post({ variables: { n: 100 }, extensions: { persistedQuery } });
    // Apollo's protocol answer (200, so that a client falls back to sending the text), not run.
    expect(byHash).toEqual({
      status: 200,
      body: {
        errors: [
          {
            message: 'PersistedQueryNotSupported',
            extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' },
          },
        ],
      },
    });
  });

  it('refuses a NUL character in a string argument or a variable before any subgraph sees it', async () => {
    const before = statements.auth.count;
    const signIn =
      'mutation($login: String!) { signIn(input: { emailOrUsername: $login, password: "x" }) { __typename } }';
    for (const response of [
      await send(signIn, { login: 'admin\u0000' }),
      await send(
        'mutation { signIn(input: { emailOrUsername: "admin\\u0000", password: "x" }) { __typename } }',
      ),
      await send('mutation($input: SignUpInput!) { signUp(input: $input) { email } }', {
        input: { email: 'a@example.com', username: 'a', password: 'p\u0000', country: 'NG' },
      }),
    ]) {
      expect(response.status).toBe(400);
      expect(response.errors).toEqual([
        {
          message: 'Text arguments must not contain NUL characters.',
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ]);
    }
    expect(statements.auth.count).toBe(before);
  });

  it('closes the connection after a 413, so the next request on a keep-alive client is served', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (body: string) =>
      new Promise<{ status: number; connection: string | undefined; text: string }>(
        (resolve, reject) => {
          const req = httpRequest(
            supergraph.gatewayUrl,
            { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
            (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => (text += chunk));
              res.on('end', () =>
                resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, text }),
              );
            },
          );
          req.on('error', reject);
          req.end(body);
        },
      );
    try {
      for (let round = 0; round < 3; round++) {
        const huge = await post(
          JSON.stringify({ query: `{ viewer { id } } #${'x'.repeat(1_100_000)}` }),
        );
        expect(huge).toMatchObject({ status: 413, connection: 'close' });
        const next = await post(JSON.stringify({ query: '{ viewer { id } }' }));
        expect(next.status).toBe(200);
      }
    } finally {
      agent.destroy();
    }
  });
});
