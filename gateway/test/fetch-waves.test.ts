import { parse, print } from 'graphql';
import type { FetchNode, PlanNode } from '@apollo/query-planner';
import { describe, expect, it } from 'vitest';
import { planFetchWaves } from '../src/executor/fetch-waves.js';
import { mergeEntityFetches } from '../src/executor/merged-operations.js';

/** A fetch node as the planner makes them; an entity fetch when `entities` is given. */
function fetch(serviceName: string, name: string, entities?: string): FetchNode {
  return {
    kind: 'Fetch',
    serviceName,
    operationName: name,
    operationKind: 'query' as FetchNode['operationKind'],
    variableUsages: [],
    ...(entities
      ? {
          requires: [
            {
              kind: 'InlineFragment',
              typeCondition: 'Product',
              selections: [
                { kind: 'Field', name: '__typename' },
                { kind: 'Field', name: 'upc' },
              ],
            },
          ],
          operation: `query ${name}($representations:[_Any!]!){_entities(representations:$representations){...on Product{${entities}}}}`,
        }
      : { operation: `query ${name}{topProducts{__typename upc}}` }),
  } as FetchNode;
}
const flatten = (path: string, node: PlanNode): PlanNode => ({
  kind: 'Flatten',
  path: path.split('.'),
  node: node as never,
});
const sequence = (...nodes: PlanNode[]): PlanNode => ({ kind: 'Sequence', nodes });
const parallel = (...nodes: PlanNode[]): PlanNode => ({ kind: 'Parallel', nodes });
const names = (waves: ReturnType<typeof planFetchWaves>) =>
  waves?.map((wave) => wave.map(({ fetch: node }) => node.operationName));

describe('fetch waves of a query plan', () => {
  it('puts each fetch one wave after what it waits for, and a fetch nobody waits for with its subgraph', () => {
    // The shape of the workload's plan: products, then reviews and inventory at once; after
    // reviews, accounts and products; inventory once products answered.
    const plan = sequence(
      fetch('products', 'top'),
      parallel(
        sequence(
          flatten('topProducts.@', fetch('reviews', 'reviews', 'reviews{id}')),
          parallel(
            flatten('topProducts.@.reviews.@.author', fetch('accounts', 'authors', 'name')),
            sequence(
              flatten('topProducts.@.reviews.@.product', fetch('products', 'names', 'name')),
              flatten('topProducts.@.reviews.@.product', fetch('inventory', 'ship', 'shipping')),
            ),
            flatten('topProducts.@.reviews.@.product', fetch('inventory', 'stock', 'inStock')),
          ),
        ),
        flatten('topProducts.@', fetch('inventory', 'topStock', 'inStock')),
      ),
    );
    const waves = planFetchWaves(plan, () => true);
    expect(names(waves)).toEqual([
      ['top'],
      ['reviews'],
      ['authors', 'names'],
      // 'stock' (wave 2) and 'topStock' (wave 1) wait for nothing and join inventory's wave 3.
      ['ship', 'stock', 'topStock'],
    ]);
    expect(waves?.[3]?.map(({ path }) => path.join('.'))).toEqual([
      'topProducts.@.reviews.@.product',
      'topProducts.@.reviews.@.product',
      'topProducts.@',
    ]);
  });

  it('keeps a fetch where it is when no later wave asks its subgraph, and follows conditions', () => {
    const plan = sequence(
      fetch('products', 'top'),
      parallel(flatten('topProducts.@', fetch('inventory', 'stock', 'inStock')), {
        kind: 'Condition',
        condition: 'withReviews',
        ifClause: flatten('topProducts.@', fetch('reviews', 'reviews', 'reviews{id}')),
        elseClause: undefined,
      }),
    );
    expect(names(planFetchWaves(plan, () => true))).toEqual([['top'], ['stock', 'reviews']]);
    expect(names(planFetchWaves(plan, () => false))).toEqual([['top'], ['stock']]);
  });

  it('leaves mutations and @defer to node-by-node execution', () => {
    const mutation = { ...fetch('orders', 'place'), operationKind: 'mutation' } as FetchNode;
    expect(planFetchWaves(sequence(mutation, fetch('orders', 'then')), () => true)).toBeNull();
    expect(
      planFetchWaves({ kind: 'Defer', primary: {}, deferred: [] } as PlanNode, () => true),
    ).toBeNull();
  });
});

describe('entity fetches merged into one operation', () => {
  it('aliases each _entities, gives each its representations variable and renames fragments', () => {
    const one = fetch('inventory', 'A', 'inStock');
    const other = {
      ...fetch('inventory', 'B'),
      requires: one.requires,
      variableUsages: ['first'],
      operation:
        'query B($representations:[_Any!]!,$first:Int){_entities(representations:$representations){...P}} fragment P on Product{reviews(first:$first){id}}',
    } as FetchNode;
    const merged = mergeEntityFetches([one, other]);
    expect(merged?.aliases).toEqual(['_entities0', '_entities1']);
    expect(merged?.representationVariables).toEqual(['representations0', 'representations1']);
    expect(merged && print(parse(merged.query))).toBe(
      print(
        parse(`query A__merged2($representations0: [_Any!]!, $representations1: [_Any!]!, $first: Int) {
          _entities0: _entities(representations: $representations0) { ... on Product { inStock } }
          _entities1: _entities(representations: $representations1) { ...P__1 }
        }
        fragment P__1 on Product { reviews(first: $first) { id } }`),
      ),
    );
  });

  it("avoids a client variable's name and refuses what is not a lone _entities", () => {
    const clashing = {
      ...fetch('inventory', 'C', 'inStock'),
      operation:
        'query C($representations:[_Any!]!,$representations1:Int){_entities(representations:$representations){...on Product{inStock(n:$representations1)}}}',
    } as FetchNode;
    expect(
      mergeEntityFetches([clashing, fetch('inventory', 'A', 'name')])?.representationVariables,
    ).toEqual(['_representations0', '_representations1']);
    expect(
      mergeEntityFetches([fetch('products', 'top'), fetch('products', 'A', 'name')]),
    ).toBeNull();
  });
});
