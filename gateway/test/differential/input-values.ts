import {
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLInputType,
} from 'graphql';
import type { Prng } from './prng.js';

/**
 * A JSON value valid for an input type (a variable's value): nullable positions are sometimes
 * null or left out, lists have 0–3 items, optional input fields are sometimes omitted.
 */
export function inputValue(type: GraphQLInputType, random: Prng, depth = 0): unknown {
  if (!isNonNullType(type) && random.chance(0.15)) return null;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const length = depth > 2 ? 0 : random.int(4);
    return Array.from({ length }, () => inputValue(inner.ofType, random, depth + 1));
  }
  if (isEnumType(inner)) return random.pick(inner.getValues()).name;
  if (isInputObjectType(inner)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(inner.getFields())) {
      const required = isNonNullType(field.type) && field.defaultValue === undefined;
      if (!required && random.chance(0.4)) continue;
      value[field.name] = inputValue(field.type, random, depth + 1);
    }
    return value;
  }
  if (isScalarType(inner)) return scalarInput(inner.name, random);
  throw new Error(`no input value for ${String(inner)}`);
}

function scalarInput(name: string, random: Prng): unknown {
  switch (name) {
    case 'Int':
    case 'SafeInt':
      return random.int(50);
    case 'Float':
      return random.int(10_000) / 100;
    case 'Boolean':
      return random.chance(0.5);
    case 'DateTime':
      return new Date(Date.UTC(2026, 0, 1) + random.int(31_536_000) * 1000).toISOString();
    case 'ID':
      return `${random.pick(['User', 'Gig', 'Order', 'Review', 'Conversation'])}-${random.int(40)}`;
    default:
      return random.pick(['alpha', 'bravo', 'cedar', 'delta', '', 'ember fjord']);
  }
}
