import {
  Kind,
  parse,
  print,
  stripIgnoredCharacters,
  visit,
  type DefinitionNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type VariableDefinitionNode,
} from 'graphql';
import type { FetchNode } from '@apollo/query-planner';

/**
 * Several entity fetches to one subgraph as one operation: each fetch's `_entities` under an
 * alias of its own with its representations in a variable of its own, its fragments renamed so
 * that they cannot clash, and the client's variables they use declared once.
 */
export interface MergedOperation {
  query: string;
  operationName: string;
  /** Per fetch, in the order given: the alias its `_entities` answers under … */
  aliases: string[];
  /** … and the variable its representations go in. */
  representationVariables: string[];
}

/** The merged operation of entity fetches, or null when one of them is not a lone `_entities`. */
export function mergeEntityFetches(fetches: readonly FetchNode[]): MergedOperation | null {
  const parts = fetches.map((fetch) => parse(fetch.operation, { noLocation: true }));
  const taken = new Set<string>();
  for (const document of parts)
    for (const definition of document.definitions)
      if (definition.kind === Kind.OPERATION_DEFINITION)
        for (const variable of definition.variableDefinitions ?? [])
          taken.add(variable.variable.name.value);
  taken.delete('representations');
  let prefix = 'representations';
  while ([...taken].some((name) => name.startsWith(prefix))) prefix = `_${prefix}`;

  const selections: SelectionNode[] = [];
  const variables = new Map<string, VariableDefinitionNode>();
  const fragments: FragmentDefinitionNode[] = [];
  const aliases: string[] = [];
  const representationVariables: string[] = [];
  for (const [index, document] of parts.entries()) {
    const alias = `_entities${index}`;
    const representations = `${prefix}${index}`;
    const renamed = visit(document, {
      Variable: (node) =>
        node.name.value === 'representations'
          ? { ...node, name: { ...node.name, value: representations } }
          : undefined,
      FragmentSpread: (node) => ({
        ...node,
        name: { ...node.name, value: `${node.name.value}__${index}` },
      }),
      FragmentDefinition: (node) => ({
        ...node,
        name: { ...node.name, value: `${node.name.value}__${index}` },
      }),
    });
    const operations = renamed.definitions.filter(
      (definition): definition is OperationDefinitionNode =>
        definition.kind === Kind.OPERATION_DEFINITION,
    );
    const [operation] = operations;
    const [field] = operation?.selectionSet.selections ?? [];
    if (
      operations.length !== 1 ||
      !operation ||
      operation.operation !== 'query' ||
      operation.selectionSet.selections.length !== 1 ||
      field?.kind !== Kind.FIELD ||
      field.name.value !== '_entities' ||
      field.alias
    )
      return null;
    selections.push({ ...field, alias: { kind: Kind.NAME, value: alias } } satisfies FieldNode);
    for (const variable of operation.variableDefinitions ?? [])
      variables.set(variable.variable.name.value, variable);
    for (const definition of renamed.definitions)
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.push(definition);
    aliases.push(alias);
    representationVariables.push(representations);
  }
  const operationName = `${fetches[0]?.operationName ?? 'Entities'}__merged${fetches.length}`;
  const merged: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: 'query' as OperationDefinitionNode['operation'],
    name: { kind: Kind.NAME, value: operationName },
    variableDefinitions: [...variables.values()],
    directives: [],
    selectionSet: { kind: Kind.SELECTION_SET, selections },
  };
  const definitions: DefinitionNode[] = [merged, ...fragments];
  return {
    query: stripIgnoredCharacters(print({ kind: Kind.DOCUMENT, definitions })),
    operationName,
    aliases,
    representationVariables,
  };
}
