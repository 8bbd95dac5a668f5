import type { GraphQLFormattedError } from 'graphql';

/**
 * The errors to add to a subgraph's `_entities` answer for each representation it resolved to
 * null: the owner no longer knows that entity (a deleted account, an event not yet processed).
 * Each error's path is `['_entities', i]`, which the gateway rewrites to the client's path of
 * that reference (e.g. `sellers.edges.3.node.user`), so the client sees a null reference with a
 * NOT_FOUND error at it instead of a null that bubbles up and takes the page with it.
 */
export function missingEntityErrors(
  subgraph: string,
  representations: unknown,
  data: unknown,
  errors: readonly GraphQLFormattedError[] = [],
): GraphQLFormattedError[] {
  if (!Array.isArray(representations) || !isRecord(data) || !Array.isArray(data['_entities']))
    return [];
  const entities: unknown[] = data['_entities'];
  // An entity that failed with an error of its own is already reported.
  const reported = new Set(
    errors.flatMap(({ path }) =>
      path?.[0] === '_entities' && typeof path[1] === 'number' ? [path[1]] : [],
    ),
  );
  return entities.flatMap((entity, index) => {
    if (entity !== null || reported.has(index)) return [];
    const representation: unknown = representations[index];
    const typename =
      isRecord(representation) && typeof representation['__typename'] === 'string'
        ? representation['__typename']
        : 'Entity';
    return [
      {
        message: `${typename} not found: it may have been deleted.`,
        path: ['_entities', index],
        extensions: { code: 'NOT_FOUND', subgraph },
      },
    ];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
