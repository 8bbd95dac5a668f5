import { buildSchema, getIntrospectionQuery, parse, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../src/bounded-cache.js';
import { refusalFor, screenOperation, type TextScreening } from '../src/limits.js';
import { defaultOperationLimits as limits } from '../src/operation-limits.js';
import { measureOperations } from '../src/operation-measure.js';

const schema = buildSchema(`
  type Query { viewer: User sellers(first: Int = 20, after: String): [User!]! }
  type User { id: ID! friend: User friends(first: Int, last: Int): [User!]! }
`);
const measure = (document: string, variables: Record<string, unknown> = {}) =>
  measureOperations(parse(document), schema, variables);
const refusal = (query: string, variables?: unknown) =>
  refusalFor({ query, variables }, schema, limits)?.extensions;

const repeat = (count: number, item: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => item(i)).join(' ');

describe('operation measures', () => {
  it('counts depth with fragments where they are spread, and inline fragments', () => {
    expect(measure('{ viewer { friend { id } } }').depth).toBe(3);
    expect(
      measure('{ viewer { ...F } } fragment F on User { friend { friend { id } } }').depth,
    ).toBe(4);
    expect(measure('{ viewer { ... on User { friend { id } } } }').depth).toBe(3);
  });

  it('measures introspection on its own, so the standard introspection query passes', () => {
    const introspection = measure(getIntrospectionQuery());
    expect(introspection.depth).toBe(0);
    expect(introspection.introspectionDepth).toBeGreaterThan(limits.depth);
    expect(introspection.introspectionDepth).toBeLessThanOrEqual(limits.introspectionDepth);
    expect(refusal(getIntrospectionQuery())).toBeUndefined();
    expect(measure('{ viewer { id } __type(name: "User") { name } }')).toMatchObject({
      depth: 2,
      introspectionDepth: 2,
    });
  });

  it('weighs list fields by first or last: literal, variable, variable default, schema default', () => {
    expect(measure('{ sellers(first: 50) { id } }').cost).toBe(51);
    expect(measure('query($n: Int) { sellers(first: $n) { id } }', { n: 7 }).cost).toBe(8);
    expect(measure('query($n: Int = 3) { sellers(first: $n) { id } }').cost).toBe(4);
    expect(measure('{ sellers { id } }').cost).toBe(21);
    // No default and nothing given: the largest page.
    expect(measure('{ viewer { friends { id } } }').cost).toBe(102);
    expect(measure('{ viewer { friends(last: 5) { friends(first: 2) { id } } } }').cost).toBe(
      1 + 1 + 5 * (1 + 2),
    );
  });

  it('survives fragment cycles (validation reports them) and long chains without recursion', () => {
    expect(() =>
      measure(
        '{ viewer { ...A } } fragment A on User { friend { ...B } } fragment B on User { friend { ...A } }',
      ),
    ).not.toThrow();
    const chain = `{ ...F0 } ${repeat(20_000, (i) => `fragment F${i} on Query { ...F${i + 1} }`)} fragment F20000 on Query { viewer { id } }`;
    expect(measure(chain).depth).toBe(2);
  });

  it('measures the 2^22-field fragment bomb in time linear in its size', () => {
    const bomb = (levels: number) =>
      `{ ...F0 } ${repeat(levels, (i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`)} fragment F${levels} on Query { __typename }`;
    expect(measure(bomb(22)).cost).toBe(2 ** 22);
    // Ten times the fragments take about ten times the time, not 2^900 times: the same document
    // at 100 and at 1,000 levels, measured in this test. Rounds alternate between the two and
    // the best of each counts, so a pause (a collection) does not decide.
    const small = parse(bomb(100));
    const large = parse(bomb(1000));
    // CPU time of this process (a test file runs in a process of its own), so other processes
    // on the machine do not count; microseconds.
    const once = (document: DocumentNode) => {
      const started = process.cpuUsage();
      for (let i = 0; i < 20; i++) measureOperations(document, schema);
      const used = process.cpuUsage(started);
      return used.user + used.system;
    };
    once(large);
    let bestSmall = Infinity;
    let bestLarge = Infinity;
    for (let round = 0; round < 7; round++) {
      bestSmall = Math.min(bestSmall, once(small));
      bestLarge = Math.min(bestLarge, once(large));
    }
    expect(bestLarge).toBeLessThan(bestSmall * 40);
    expect(refusal(bomb(22))).toMatchObject({ code: 'BAD_REQUEST', limit: 'cost' });
  });
});

describe('refusals before parsing and validation', () => {
  it('counts tokens and bracket nesting on the text, before the recursive parser', () => {
    expect(refusal(`{ ${repeat(5_000, (i) => `a${i}: __typename`)} }`)).toMatchObject({
      limit: 'tokens',
      max: 10_000,
    });
    expect(refusal(`{ ${'viewer { '.repeat(3_000)}id${' }'.repeat(3_001)}`)).toMatchObject({
      limit: 'depth',
    });
  });

  it('refuses each count over its limit, and NUL characters in literals and variables', () => {
    expect(refusal(`{ ${repeat(51, (i) => `a${i}: __typename`)} }`)).toMatchObject({
      limit: 'aliases',
    });
    expect(refusal(`{ viewer { ${repeat(51, () => 'id @skip(if: false)')} } }`)).toMatchObject({
      limit: 'directives',
    });
    expect(
      refusal(`{ ${repeat(201, () => '...F')} } fragment F on Query { __typename }`),
    ).toMatchObject({
      limit: 'fragmentSpreads',
    });
    expect(refusal(`{ viewer { ${repeat(102, () => 'id')} } }`)).toMatchObject({
      limit: 'repeatedFields',
    });
    expect(refusal(`{ ${repeat(21, () => 'viewer { id }')} }`)).toMatchObject({
      limit: 'rootFields',
    });
    expect(refusal('{ viewer { id } }', { login: ['ok', { deep: 'a\u0000' }] })).toEqual({
      code: 'BAD_USER_INPUT',
    });
    expect(refusal('{ sellers(after: "\\u0000") { id } }')).toEqual({ code: 'BAD_USER_INPUT' });
    expect(refusal('{ viewer { id } }', { login: 'fine' })).toBeUndefined();
  });

  it('leaves syntax errors to Apollo, which reports them with their position', () => {
    expect(refusal('{ viewer { id }')).toBeUndefined();
  });

  it('refuses an operation that cannot be chosen, or a subscription, and nothing else', () => {
    const choose = (query: string, operationName?: unknown) =>
      refusalFor({ query, operationName }, schema, limits);
    const badRequest = (message: string) => ({ message, extensions: { code: 'BAD_REQUEST' } });
    expect(choose('query A { viewer { id } }', 'B')).toEqual(
      badRequest('No operation named "B" in the document.'),
    );
    const several = badRequest(
      'The document holds several operations: name the one to run in operationName.',
    );
    expect(choose('{ viewer { id } } { viewer { id } }')).toEqual(several);
    expect(choose('query A { viewer { id } } query B { viewer { id } }')).toEqual(several);
    expect(choose('query A { viewer { id } } query B { viewer { id } }', '')).toEqual(several);
    const subscription = badRequest(
      'Subscriptions are served over WebSocket (graphql-ws), not over HTTP.',
    );
    expect(choose('subscription { viewer { id } }')).toEqual(subscription);
    expect(choose('query A { viewer { id } } subscription B { viewer { id } }', 'B')).toEqual(
      subscription,
    );
    // A long name is not echoed whole.
    const long = choose('{ viewer { id } }', 'x'.repeat(100_000));
    expect(long?.message.length).toBeLessThan(200);
    // What the client can run, or what validation reports, passes on to Apollo.
    expect(choose('query A { viewer { id } } query B { viewer { id } }', 'B')).toBeUndefined();
    expect(choose('{ viewer { id } }', null)).toBeUndefined();
    expect(choose('{ viewer { nope } }')).toBeUndefined();
    expect(choose('{ viewer { id } }', 7)).toBeUndefined();
  });
});

describe('screenings kept per operation text', () => {
  it("answer a text seen before as the first time, still reading each request's variables", () => {
    const cache = new BoundedCache<TextScreening>(10);
    const screen = (query: string, variables?: unknown, operationName?: unknown) =>
      screenOperation({ query, variables, operationName }, schema, limits, 'http', cache);
    const paged = 'query($n: Int) { sellers(first: $n) { id } }';
    expect(screen(paged, { n: 7 })).toEqual({ cost: 8 });
    expect(screen(paged, { n: 50 })).toEqual({ cost: 51 });
    expect(screen(paged, { n: 'a\u0000' }).refusal?.extensions.code).toBe('BAD_USER_INPUT');
    expect(screen('{ sellers(first: 50) { id } }')).toEqual({ cost: 51 });
    expect(screen('{ sellers(first: 50) { id } }')).toEqual({ cost: 51 });
    const deep = `{ viewer { ${'friend { '.repeat(limits.depth + 1)}id${' }'.repeat(limits.depth + 1)} } }`;
    expect(screen(deep).refusal?.extensions.limit).toBe('depth');
    expect(screen(deep).refusal?.extensions.limit).toBe('depth');
    // The operation's name is part of what the text decides.
    const two = 'query A { viewer { id } } query B { viewer { id } }';
    expect(screen(two, undefined, 'A')).toEqual({ cost: 2 });
    expect(screen(two, undefined, 'C').refusal?.extensions.code).toBe('BAD_REQUEST');
    expect(screen(two).refusal?.extensions.code).toBe('BAD_REQUEST');
    expect(cache.size).toBe(6);
  });

  it('keep the screenings of a text with variables by the values the measure reads, and only those', () => {
    const cache = new BoundedCache<TextScreening>(10);
    const screen = (variables: Record<string, unknown>) =>
      screenOperation(
        {
          query: 'query($n: Int, $after: String) { sellers(first: $n, after: $after) { id } }',
          variables,
        },
        schema,
        limits,
        'http',
        cache,
      );
    expect(screen({ n: 7, after: 'a' })).toEqual({ cost: 8 });
    const kept = screen({ n: 7, after: 'b' });
    expect(kept).toEqual({ cost: 8 });
    // Another cursor is the same screening (the cursor is not read), another size is not.
    expect(screen({ n: 7, after: 'c' })).toBe(kept);
    expect(screen({ n: 50, after: 'a' })).toEqual({ cost: 51 });
    expect(screen({ n: 100_000 }).refusal?.extensions.limit).toBe('cost');
    expect(screen({ n: 7 })).toBe(kept);
    expect(screen({ n: 100_000, after: 'z' }).refusal?.extensions.limit).toBe('cost');
    expect(screen({})).toEqual({ cost: screen({ n: null }).cost });
  });

  it('forget the least recently used text first', () => {
    const cache = new BoundedCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
  });
});
