import {
  GraphQLBoolean,
  GraphQLNonNull,
  astFromValue,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isNonNullType,
  isObjectType,
  parse,
  print,
  validate,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import type { CorpusOperation } from './compare-responses.js';
import { inputValue } from './input-values.js';
import type { Prng } from './prng.js';

const MAX_DEPTH = 4;

/**
 * `count` random operations valid against `apiSchema` (each checked with graphql `validate`;
 * an invalid draft, e.g. two fields that cannot merge, is drawn again): queries and some
 * mutations, aliases (the same field twice under two aliases with different arguments),
 * inline and named fragments (nested, on union members and on the parent type), `__typename`,
 * `@include`/`@skip` with literals and variables, arguments as literals or variables of
 * every input kind, required arguments always filled.
 */
export function randomOperations(
  apiSchema: GraphQLSchema,
  random: Prng,
  count: number,
  kind: 'queries and mutations' | 'subscriptions' = 'queries and mutations',
): CorpusOperation[] {
  const operations: CorpusOperation[] = [];
  let drafts = 0;
  while (operations.length < count) {
    drafts += 1;
    if (drafts > count * 20) throw new Error('the generator draws too many invalid operations');
    const draft = new OperationDraft(apiSchema, random).build(operations.length, kind);
    // build() printed the draft from a parse, so it parses.
    if (valid(apiSchema, draft.query)) operations.push(draft);
  }
  return operations;
}

/**
 * graphql-js's validation throws, rather than report, for a subscription's root field under
 * `@include`/`@skip` with a variable (SingleFieldSubscriptionsRule collects the root fields
 * without variable values): such a draft is invalid too.
 */
function valid(schema: GraphQLSchema, query: string): boolean {
  try {
    return validate(schema, parse(query)).length === 0;
  } catch {
    return false;
  }
}

class OperationDraft {
  private readonly variables = new Map<string, { type: GraphQLInputType; value: unknown }>();
  private readonly fragments: string[] = [];
  private aliases = 0;
  /** A subscription's root field takes no @include/@skip (the gateway refuses them). */
  private plainRoot = false;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly random: Prng,
  ) {}

  build(index: number, kind: 'queries and mutations' | 'subscriptions'): CorpusOperation {
    const mutation = this.schema.getMutationType();
    const subscription = this.schema.getSubscriptionType();
    const root =
      kind === 'subscriptions' && subscription
        ? { keyword: 'subscription', type: subscription }
        : mutation && this.random.chance(0.15)
          ? { keyword: 'mutation', type: mutation }
          : { keyword: 'query', type: this.schema.getQueryType() as GraphQLObjectType };
    // A subscription selects one root field (a draft with more fails validation, drawn again).
    this.plainRoot = root.keyword === 'subscription';
    const width = this.plainRoot ? 1 : 1 + this.random.int(3);
    const selection = this.selectionSet(root.type, 0, width);
    const definitions = [...this.variables].map(([name, { type }]) => `$${name}: ${String(type)}`);
    const header = `${root.keyword} Random${index}${definitions.length ? `(${definitions.join(', ')})` : ''}`;
    const query = print(parse([`${header} ${selection}`, ...this.fragments].join('\n')));
    const variables = Object.fromEntries(
      [...this.variables].map(([name, { value }]) => [name, value]),
    );
    return { label: `random #${index}`, query, variables };
  }

  private selectionSet(type: GraphQLCompositeType, depth: number, width?: number): string {
    const parts: string[] = [];
    if (isAbstractType(type)) {
      if (this.random.chance(0.6)) parts.push('__typename');
      for (const member of this.schema.getPossibleTypes(type)) {
        if (this.random.chance(0.7)) parts.push(this.fragmentOn(member, depth));
      }
      if (parts.length === 0) parts.push('__typename');
      return `{ ${parts.join(' ')} }`;
    }
    const fields = Object.values(type.getFields());
    const wanted = width ?? 1 + this.random.int(4);
    for (let i = 0; i < wanted; i++) {
      const field = this.random.pick(fields);
      parts.push(this.field(field, depth));
      // The same field again under another alias, with other arguments.
      if (field.args.length && this.random.chance(0.15)) parts.push(this.field(field, depth, true));
    }
    // Not at a subscription's root: no introspection field there, skipped away or not.
    if (!(depth === 0 && this.plainRoot) && this.random.chance(0.2))
      parts.push(this.directives('__typename'));
    if (depth > 0 && this.random.chance(0.15)) parts.push(this.fragmentOn(type, depth));
    return `{ ${parts.join(' ')} }`;
  }

  /** An inline fragment or a named one (defined once, at the end of the document). */
  private fragmentOn(type: GraphQLObjectType, depth: number): string {
    const body = this.selectionSet(type, depth);
    if (this.random.chance(0.5)) return this.directives(`... on ${type.name}`) + ` ${body}`;
    const name = `F${this.fragments.length}${type.name}`;
    this.fragments.push(`fragment ${name} on ${type.name} ${body}`);
    return this.directives(`...${name}`);
  }

  private field(field: GraphQLField<unknown, unknown>, depth: number, aliased = false): string {
    const alias = aliased || this.random.chance(0.25) ? `a${this.aliases++}: ` : '';
    const args = field.args
      .filter((arg) => isNonNullType(arg.type) || this.random.chance(0.5))
      .map((arg) => `${arg.name}: ${this.argument(arg.type)}`);
    const name = `${alias}${field.name}${args.length ? `(${args.join(', ')})` : ''}`;
    const head = depth === 0 && this.plainRoot ? name : this.directives(name);
    const named = getNamedType(field.type);
    if (!isCompositeType(named)) return head;
    if (depth + 1 >= MAX_DEPTH) {
      // Too deep for more objects: a leaf of this type, else its __typename.
      const leaves = isObjectType(named)
        ? Object.values(named.getFields()).filter(
            (leaf) => !isCompositeType(getNamedType(leaf.type)),
          )
        : [];
      const leaf = leaves.length ? this.random.pick(leaves).name : '__typename';
      return `${head} { ${leaf} }`;
    }
    return `${head} ${this.selectionSet(named, depth + 1)}`;
  }

  /** A literal (printed from a generated value) or a variable of the argument's type. */
  private argument(type: GraphQLInputType): string {
    const value = inputValue(type, this.random);
    if (this.random.chance(0.5)) {
      const name = `v${this.variables.size}`;
      this.variables.set(name, { type, value });
      return `$${name}`;
    }
    const literal = astFromValue(value, type);
    return literal ? print(literal) : 'null';
  }

  /** Sometimes `@include`/`@skip`, with a literal or a Boolean variable. */
  private directives(target: string): string {
    if (!this.random.chance(0.15)) return target;
    const directive = this.random.chance(0.5) ? 'include' : 'skip';
    let condition: string;
    if (this.random.chance(0.5)) condition = String(this.random.chance(0.5));
    else {
      const name = `c${this.variables.size}`;
      this.variables.set(name, {
        type: new GraphQLNonNull(GraphQLBoolean),
        value: this.random.chance(0.5),
      });
      condition = `$${name}`;
    }
    return `${target} @${directive}(if: ${condition})`;
  }
}
