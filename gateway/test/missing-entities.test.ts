import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { missingEntityErrors } from '../src/missing-entities.js';
import { reportValueCompletion } from '../src/value-completion.js';

describe('missingEntityErrors', () => {
  const representations = [
    { __typename: 'User', id: 'a' },
    { __typename: 'User', id: 'b' },
    { __typename: 'User', id: 'c' },
  ];

  it('reports each entity resolved to null at its place in _entities', () => {
    const data = { _entities: [{ id: 'a' }, null, { id: 'c' }] };
    expect(missingEntityErrors('auth', representations, data)).toEqual([
      {
        message: 'User not found: it may have been deleted.',
        path: ['_entities', 1],
        extensions: { code: 'NOT_FOUND', subgraph: 'auth' },
      },
    ]);
  });

  it('leaves entities that failed with an error of their own, and non-entity answers, alone', () => {
    const data = { _entities: [null, { id: 'b' }, null] };
    const errors = [{ message: 'boom', path: ['_entities', 0, 'username'] }];
    expect(missingEntityErrors('auth', representations, data, errors).map((e) => e.path)).toEqual([
      ['_entities', 2],
    ]);
    expect(missingEntityErrors('auth', undefined, { viewer: null })).toEqual([]);
    expect(missingEntityErrors('auth', representations, null)).toEqual([]);
  });
});

describe('reportValueCompletion', () => {
  it('moves extensions.valueCompletion into errors, at their paths, as internal errors', () => {
    const problem = new GraphQLError('Cannot return null for non-nullable field User.username.', {
      path: ['sellers', 'edges', 0, 'node', 'user', 'username'],
    });
    const result = reportValueCompletion({
      data: { sellers: null },
      extensions: { valueCompletion: [problem], other: 1 },
    });
    expect(result.extensions).toEqual({ other: 1 });
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors ?? [];
    expect(error?.path).toEqual(['sellers', 'edges', 0, 'node', 'user', 'username']);
    expect(error?.extensions['code']).toBe('INTERNAL_SERVER_ERROR');
    expect(error?.originalError).toBe(problem);
  });

  it('returns a complete result as it is', () => {
    const result = { data: { viewer: null } };
    expect(reportValueCompletion(result)).toBe(result);
  });
});
