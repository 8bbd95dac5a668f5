import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

function toSafeInt(value: unknown): number {
  const number = typeof value === 'bigint' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw new GraphQLError('SafeInt must be an integer between -(2^53 - 1) and 2^53 - 1');
  }
  return number;
}

/**
 * `scalar SafeInt`: a JSON number that is an integer within ±(2^53 − 1), exact in every JSON
 * client (JavaScript's too); GraphQL's `Int` stops at 2^31 − 1, which a seller's earnings in
 * cents pass at 21 million dollars (docs/2026-12-03-safe-int-earnings.md).
 */
export const SafeIntScalar = new GraphQLScalarType<number, number>({
  name: 'SafeInt',
  description: 'An integer within ±(2^53 − 1), as a JSON number',
  serialize: toSafeInt,
  parseValue: toSafeInt,
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT) throw new GraphQLError('SafeInt must be an integer literal');
    return toSafeInt(Number(ast.value));
  },
});
