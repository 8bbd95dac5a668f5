import {
  buildSchema,
  Kind,
  parse,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { compileResponseShaper } from '../src/executor/response-shaper.js';

const schema = buildSchema(`
  interface Node { id: ID! }
  type User implements Node { id: ID! name: String! nick: String }
  type Gig implements Node { id: ID! title: String tags: [String!] }
  union Result = User | Gig
  enum Tier { GOLD SILVER }
  scalar JSON
  type Leaves { i: Int f: Float s: String b: Boolean id: ID tier: Tier json: JSON }
  type Query { me: User node(id: ID!): Node results: [Result!]! count: Int leaves: [Leaves!]! }
`);

function shaper(text: string) {
  const document = parse(text);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const fragments = Object.fromEntries(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  if (!operation) throw new Error('no operation');
  return compileResponseShaper(schema, operation, fragments);
}

describe('the compiled response shaper', () => {
  it('keeps only what was asked, in the operation order, under aliases, with root __typename', () => {
    const { data, errors } = shaper('{ who: me { nick id } __typename count }').shape(
      { count: 3, who: { id: '1', nick: 'n', name: 'x', __typename: 'User' }, extra: 1 },
      {},
    );
    expect(errors).toEqual([]);
    expect(JSON.stringify(data)).toBe(
      '{"who":{"nick":"n","id":"1"},"__typename":"Query","count":3}',
    );
  });

  it('applies fragments on the runtime __typename of abstract types', () => {
    const { data } = shaper(
      '{ results { __typename ... on User { name } ...G } } fragment G on Gig { title }',
    ).shape(
      {
        results: [
          { __typename: 'User', name: 'u', title: 'no' },
          { __typename: 'Gig', title: 't', name: 'no' },
        ],
      },
      {},
    );
    expect(data).toEqual({
      results: [
        { __typename: 'User', name: 'u' },
        { __typename: 'Gig', title: 't' },
      ],
    });
  });

  it('evaluates @skip and @include with variables and their defaults', () => {
    const operation = shaper(
      'query($a: Boolean!, $b: Boolean = true) { count @skip(if: $a) me @include(if: $b) { id } }',
    );
    const input = { count: 1, me: { id: '1' } };
    expect(operation.shape(input, { a: true })).toEqual({ data: { me: { id: '1' } }, errors: [] });
    expect(operation.shape(input, { a: false, b: false }).data).toEqual({ count: 1 });
  });

  it('propagates a null non-null field to its nearest nullable parent, with an error at its path', () => {
    const { data, errors } = shaper('{ me { id name } count }').shape(
      { me: { id: '1', name: null }, count: 2 },
      {},
    );
    expect(data).toEqual({ me: null, count: 2 });
    expect(errors.map((e) => [e.message, e.path])).toEqual([
      ['Cannot return null for non-nullable field User.name.', ['me', 'name']],
    ]);
  });

  it('nulls a non-null list through to the root when an element is null', () => {
    const { data, errors } = shaper('{ results { ... on Gig { id } } }').shape(
      { results: [{ __typename: 'Gig', id: '1' }, null] },
      {},
    );
    expect(data).toBeNull();
    expect(errors[0]?.message).toBe(
      'Cannot return null for non-nullable array element of type Result at index 1.',
    );
    expect(errors[0]?.path).toEqual(['results', 1]);
  });

  it('reports an invalid leaf value and an unknown __typename as null with an error', () => {
    const { data, errors } = shaper('{ count node(id: "1") { id } }').shape(
      { count: 'many', node: { __typename: 'Nope', id: '1' } },
      {},
    );
    expect(data).toEqual({ count: null, node: null });
    expect(errors.map((e) => e.message)).toEqual([
      'Invalid value found for field Query.count.',
      'Invalid __typename found for object at field Query.node.',
    ]);
  });
  it('accepts leaf values as federation-internals isValidLeafValue does and nulls the others', () => {
    const query = '{ leaves { i f s b id tier json } }';
    const valid = [
      { i: 3, f: 1.5, s: 'x', b: false, id: 'a', tier: 'GOLD', json: { any: [1] } },
      { i: -0, f: 2, s: '', b: true, id: 12, tier: 'SILVER', json: 'text' },
      { i: 1e20, f: -1e300, s: 'ü', b: true, id: 1e20, tier: 'GOLD', json: 4 },
    ];
    const good = shaper(query).shape({ leaves: valid }, {});
    expect(good.errors).toEqual([]);
    expect(good.data).toEqual({ leaves: valid });

    const invalid = [
      { i: 1.5 },
      { i: '1' },
      { i: 1e21 },
      { i: true },
      { f: '1.5' },
      { f: false },
      { s: 1 },
      { s: true },
      { b: 'true' },
      { b: 1 },
      { id: 1.5 },
      { id: true },
      { id: 1e21 },
      { tier: 'BRONZE' },
      { tier: 1 },
    ];
    for (const leaf of invalid) {
      const [field = ''] = Object.keys(leaf);
      const { data, errors } = shaper(`{ leaves { ${field} } }`).shape({ leaves: [leaf] }, {});
      expect(data, JSON.stringify(leaf)).toEqual({ leaves: [{ [field]: null }] });
      expect(
        errors.map((e) => [e.message, e.path]),
        JSON.stringify(leaf),
      ).toEqual([[`Invalid value found for field Leaves.${field}.`, ['leaves', 0, field]]]);
    }
  });
  it('keeps a field aliased __proto__ as a field of the response', () => {
    const { data } = shaper('{ __proto__: me { __proto__: id } count }').shape(
      JSON.parse('{"__proto__":{"__proto__":"1","__typename":"User"},"count":2}') as Record<
        string,
        unknown
      >,
      {},
    );
    expect(JSON.stringify(data)).toBe('{"__proto__":{"__proto__":"1"},"count":2}');
  });
});
