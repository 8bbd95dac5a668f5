import { getNamedType, type GraphQLField } from 'graphql';
import { MAX_PAGE_SIZE } from '@jobber/service-kit';

/** How a list field weighs in the cost model: its selection counts this many times. */
export interface ListSize {
  /** The arguments that set the size (the largest given wins). */
  slicingArguments: readonly string[];
  /** The size when none of them is given and the schema has no default for them. */
  assumedSize: number;
}

/**
 * The cost table, kept beside the schema (schema/api.graphql): list fields that are not paged
 * with `first` / `last`, but can be long enough to matter, with the size to assume.
 * `Type.field` → size. Lists of a profile's own items (skills, languages, experience…) are
 * bounded by what users accepts on write and weigh 1; paged fields need no entry.
 */
export const assumedListSizes: Readonly<Record<string, number>> = {};

const pageArguments = ['first', 'last'] as const;

/**
 * The rule for one field: by convention every field with an Int `first` or `last` argument
 * (the connections: `sellers(first:)`) weighs what it is asked for (the schema's default when
 * not given, the largest page when it has none); fields in `assumedListSizes` their size.
 */
export function listSizeOf(
  parentType: string,
  field: GraphQLField<unknown, unknown>,
): ListSize | undefined {
  const assumed = assumedListSizes[`${parentType}.${field.name}`];
  if (assumed !== undefined) return { slicingArguments: [], assumedSize: assumed };
  const slicing = field.args
    .filter((argument) => (pageArguments as readonly string[]).includes(argument.name))
    .filter((argument) => getNamedType(argument.type).name === 'Int')
    .map((argument) => argument.name);
  return slicing.length ? { slicingArguments: slicing, assumedSize: MAX_PAGE_SIZE } : undefined;
}
