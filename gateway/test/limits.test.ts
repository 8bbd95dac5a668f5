import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { depthLimit } from '../src/limits.js';

const schema = buildSchema(`
  type Query { viewer: User }
  type User { id: ID! friend: User }
`);
const errorsFor = (document: string, maxDepth = 3) =>
  validate(schema, parse(document), [depthLimit(maxDepth)]).map((error) => error.message);

describe('depthLimit', () => {
  it('allows operations up to the limit', () => {
    expect(errorsFor('{ viewer { friend { id } } }')).toEqual([]);
  });

  it('refuses deeper ones, counting fragments where they are spread', () => {
    expect(errorsFor('{ viewer { friend { friend { id } } } }')).toEqual([
      'The operation is nested 4 levels deep; at most 3 are allowed.',
    ]);
    expect(
      errorsFor('{ viewer { ...F } } fragment F on User { friend { friend { id } } }'),
    ).toHaveLength(1);
    expect(errorsFor('{ viewer { ... on User { friend { friend { id } } } } }')).toHaveLength(1);
  });

  it('survives a fragment cycle (reported by the standard rules, not looped on here)', () => {
    expect(() =>
      errorsFor(
        '{ viewer { ...A } } fragment A on User { friend { ...B } } fragment B on User { friend { ...A } }',
      ),
    ).not.toThrow();
  });
});
