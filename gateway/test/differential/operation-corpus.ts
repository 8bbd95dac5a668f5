import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  Kind,
  parse,
  print,
  typeFromAST,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { CorpusOperation } from './compare-responses.js';
import { inputValue } from './input-values.js';
import type { Prng } from './prng.js';

/** Every operation of schema/operations/*.graphql with the fragments it uses, by kind. */
export function repositoryOperations(
  directory: string,
  apiSchema: GraphQLSchema,
  random: Prng,
): { queriesAndMutations: CorpusOperation[]; subscriptions: CorpusOperation[] } {
  const queriesAndMutations: CorpusOperation[] = [];
  const subscriptions: CorpusOperation[] = [];
  for (const file of readdirSync(directory)
    .filter((name) => name.endsWith('.graphql'))
    .sort()) {
    const document = parse(readFileSync(join(directory, file), 'utf8'));
    const fragments = new Map(
      document.definitions
        .filter((node): node is FragmentDefinitionNode => node.kind === Kind.FRAGMENT_DEFINITION)
        .map((node) => [node.name.value, node]),
    );
    for (const operation of document.definitions) {
      if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
      const query = print(withFragments(operation, fragments));
      const entry = {
        label: `${file} ${operation.name?.value ?? '(anonymous)'}`,
        query,
        variables: variablesFor(operation, apiSchema, random),
      };
      (operation.operation === 'subscription' ? subscriptions : queriesAndMutations).push(entry);
    }
  }
  return { queriesAndMutations, subscriptions };
}

/** Values for an operation's variables: required ones always, optional ones sometimes. */
export function variablesFor(
  operation: OperationDefinitionNode,
  apiSchema: GraphQLSchema,
  random: Prng,
): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const type = typeFromAST(apiSchema, definition.type) as GraphQLInputType | undefined;
    if (!type) throw new Error(`unknown type of $${definition.variable.name.value}`);
    const required = definition.type.kind === Kind.NON_NULL_TYPE && !definition.defaultValue;
    if (!required && random.chance(0.3)) continue;
    variables[definition.variable.name.value] = inputValue(type, random);
  }
  return variables;
}

function withFragments(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): DocumentNode {
  const used = new Map<string, FragmentDefinitionNode>();
  const collect = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        const fragment = fragments.get(name);
        if (!fragment || used.has(name)) return;
        used.set(name, fragment);
        collect(fragment);
      },
    });
  collect(operation);
  return { kind: Kind.DOCUMENT, definitions: [operation, ...used.values()] };
}
