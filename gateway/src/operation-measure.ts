import {
  Kind,
  getNamedType,
  isInterfaceType,
  isObjectType,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { listSizeOf } from './list-costs.js';

/** What one pass over the document counts, before any recursion into fragments. */
export interface DocumentCounts {
  aliases: number;
  directives: number;
  fragmentSpreads: number;
  repeatedFields: number;
  /** A string literal holding a NUL character (`"\u0000"`): PostgreSQL refuses it in text. */
  nulString: boolean;
}

/** What depends on where fragments are spread: computed once per fragment (memoised). */
export interface SelectionMeasures {
  /** Deepest path without an introspection field. */
  depth: number;
  /** Deepest path through `__schema` / `__type`. */
  introspectionDepth: number;
  cost: number;
  /** Fields at this level (inline fragments and spreads expanded). */
  topFields: number;
}

const none: SelectionMeasures = { depth: 0, introspectionDepth: 0, cost: 0, topFields: 0 };
const introspectionFields = new Set(['__schema', '__type']);

/** Counts in one iterative visit: linear in the document, no recursion. */
export function countDocument(document: DocumentNode): DocumentCounts {
  const counts: DocumentCounts = {
    aliases: 0,
    directives: 0,
    fragmentSpreads: 0,
    repeatedFields: 0,
    nulString: false,
  };
  visit(document, {
    Field(field) {
      if (field.alias) counts.aliases++;
    },
    Directive() {
      counts.directives++;
    },
    FragmentSpread() {
      counts.fragmentSpreads++;
    },
    StringValue(value) {
      if (value.value.includes('\u0000')) counts.nulString = true;
    },
    SelectionSet(selectionSet) {
      const names = new Set<string>();
      for (const selection of selectionSet.selections) {
        if (selection.kind !== Kind.FIELD) continue;
        const name = (selection.alias ?? selection.name).value;
        if (names.has(name)) counts.repeatedFields++;
        else names.add(name);
      }
    },
  });
  return counts;
}

/**
 * Depth, introspection depth, cost and root fields of every operation in the document (the
 * largest of each), in time linear in its size: each fragment is measured once, after the
 * fragments it spreads (an iterative walk of the spread graph, so a chain of thousands cannot
 * overflow the stack); a fragment in a cycle counts as empty (validation reports the cycle).
 * Recursion stays within one definition, whose nesting the source check has bounded.
 */
export function measureOperations(
  document: DocumentNode,
  schema: GraphQLSchema,
  variables: Readonly<Record<string, unknown>> = {},
  /** Filled with the names of the variables the measures depend on (those read). */
  read?: Set<string>,
): SelectionMeasures {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const variableDefaults = new Map<string, ValueNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    } else if (definition.kind === Kind.OPERATION_DEFINITION) {
      for (const variable of definition.variableDefinitions ?? []) {
        if (variable.defaultValue)
          variableDefaults.set(variable.variable.name.value, variable.defaultValue);
      }
    }
  }
  const measured = new Map<string, SelectionMeasures>();

  const intValue = (value: ValueNode | undefined): number | undefined => {
    if (!value) return undefined;
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      read?.add(value.name.value);
      const given = variables[value.name.value];
      if (typeof given === 'number') return given;
      return intValue(variableDefaults.get(value.name.value));
    }
    return undefined;
  };

  const sizeOf = (
    field: FieldNode,
    parent: GraphQLNamedType | undefined,
    definition: GraphQLField<unknown, unknown> | undefined,
  ): number => {
    const rule = parent && definition ? listSizeOf(parent.name, definition) : undefined;
    if (!rule) return 1;
    let size: number | undefined;
    for (const name of rule.slicingArguments) {
      const given = field.arguments?.find((argument) => argument.name.value === name);
      const value = given
        ? intValue(given.value)
        : definition?.args.find((argument) => argument.name === name)?.defaultValue;
      if (typeof value === 'number') size = Math.max(size ?? 0, value);
    }
    return Math.max(1, size ?? rule.assumedSize);
  };

  const measureSelectionSet = (
    selectionSet: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
  ): SelectionMeasures => {
    const total = { ...none };
    const add = (part: SelectionMeasures) => {
      total.depth = Math.max(total.depth, part.depth);
      total.introspectionDepth = Math.max(total.introspectionDepth, part.introspectionDepth);
      total.cost += part.cost;
      total.topFields += part.topFields;
    };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const definition =
          parent && (isObjectType(parent) || isInterfaceType(parent))
            ? parent.getFields()[selection.name.value]
            : undefined;
        const below = selection.selectionSet
          ? measureSelectionSet(
              selection.selectionSet,
              definition ? getNamedType(definition.type) : undefined,
            )
          : none;
        const cost = 1 + sizeOf(selection, parent, definition) * below.cost;
        if (introspectionFields.has(selection.name.value)) {
          const deepest = 1 + Math.max(below.depth, below.introspectionDepth);
          add({ depth: 0, introspectionDepth: deepest, cost, topFields: 1 });
        } else {
          add({
            depth: 1 + below.depth,
            introspectionDepth: below.introspectionDepth ? 1 + below.introspectionDepth : 0,
            cost,
            topFields: 1,
          });
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parent;
        add(measureSelectionSet(selection.selectionSet, type ?? undefined));
      } else {
        add(measured.get(selection.name.value) ?? none);
      }
    }
    return total;
  };

  for (const name of fragmentOrder(fragments)) {
    const fragment = fragments.get(name);
    if (!fragment) continue;
    const type = schema.getType(fragment.typeCondition.name.value) ?? undefined;
    measured.set(name, measureSelectionSet(fragment.selectionSet, type));
  }

  const result = { ...none };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = schema.getRootType(definition.operation) ?? undefined;
    const measures = measureSelectionSet(definition.selectionSet, root);
    result.depth = Math.max(result.depth, measures.depth);
    result.introspectionDepth = Math.max(result.introspectionDepth, measures.introspectionDepth);
    result.cost = Math.max(result.cost, measures.cost);
    result.topFields = Math.max(result.topFields, measures.topFields);
  }
  return result;
}

/**
 * The fragments in an order where each comes after those it spreads (post-order of an
 * iterative depth-first walk). A spread that closes a cycle is not followed.
 */
function fragmentOrder(fragments: ReadonlyMap<string, FragmentDefinitionNode>): string[] {
  // A plain walk of the selections (graphql-js's visit() costs a set-up per call).
  const spreadsOf = (fragment: FragmentDefinitionNode): string[] => {
    const names: string[] = [];
    const pending: SelectionSetNode[] = [fragment.selectionSet];
    for (let selectionSet = pending.pop(); selectionSet; selectionSet = pending.pop()) {
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FRAGMENT_SPREAD) names.push(selection.name.value);
        else if (selection.selectionSet) pending.push(selection.selectionSet);
      }
    }
    return names;
  };
  const order: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  for (const start of fragments.keys()) {
    if (state.has(start)) continue;
    const stack: { name: string; next: string[] }[] = [];
    const open = (name: string) => {
      const fragment = fragments.get(name);
      state.set(name, 'open');
      stack.push({ name, next: fragment ? spreadsOf(fragment) : [] });
    };
    open(start);
    for (let top = stack.at(-1); top; top = stack.at(-1)) {
      const next = top.next.pop();
      if (next === undefined) {
        stack.pop();
        state.set(top.name, 'done');
        order.push(top.name);
      } else if (!state.has(next) && fragments.has(next)) {
        open(next);
      }
    }
  }
  return order;
}
