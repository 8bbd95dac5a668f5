import {
  GraphQLError,
  Kind,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isSpecifiedScalarType,
  valueFromASTUntyped,
  type DirectiveNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLLeafType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** `@skip(if:)` / `@include(if:)` of one selection: a constant or a variable's name. */
interface Condition {
  skip: boolean;
  value: boolean | string;
}

interface FieldStep {
  kind: 'field';
  responseName: string;
  isTypename: boolean;
  type: GraphQLOutputType;
  conditions: Condition[];
  selections: Step[] | undefined;
}

interface FragmentStep {
  kind: 'fragment';
  typeCondition: GraphQLCompositeType | undefined;
  conditions: Condition[];
  selections: Step[];
}

type Step = FieldStep | FragmentStep;

/** The client's response, compiled once per operation: see `shape`. */
export interface ResponseShaper {
  /** The data the client asked for, out of the merged subgraph answers, and the completion errors. */
  shape(
    input: Record<string, unknown> | null | undefined,
    variables: Record<string, unknown>,
  ): { data: Record<string, unknown> | null | undefined; errors: GraphQLError[] };
}

type Path = (string | number)[];

const integerString = /^-?(?:0|[1-9][0-9]*)$/;
const NULL_BUBBLE = Symbol('null bubbles up');

/**
 * Compiles an operation into the function that turns the merged subgraph answers into the
 * client's response, with the semantics of @apollo/gateway's `computeResponse`
 * (resultShaping.ts): only the fields asked for, in the operation's order, aliases, fragments on
 * the runtime `__typename`, `@skip`/`@include`, `__typename` of root and abstract types, and a
 * null where a non-null is promised propagated to the nearest nullable parent with an error at
 * its path. Introspection fields (`__schema`, `__type`) are not compiled: such operations run on
 * stock execution (see JobberGateway).
 */
export function compileResponseShaper(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
): ResponseShaper {
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) throw new Error(`the schema has no ${operation.operation} type`);
  const defaults: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue)
      defaults[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue);
  }

  function compile(selectionSet: SelectionSetNode, parent: GraphQLCompositeType): Step[] {
    const steps: Step[] = [];
    for (const selection of selectionSet.selections) {
      const conditions = conditionsOf(selection.directives);
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const responseName = selection.alias?.value ?? name;
        if (name === '__typename') {
          steps.push({
            kind: 'field',
            responseName,
            isTypename: true,
            type: parent as GraphQLOutputType,
            conditions,
            selections: undefined,
          });
          continue;
        }
        const field = 'getFields' in parent ? parent.getFields()[name] : undefined;
        {
          // A union has no fields but __typename: validation refuses anything else.
          if (!field) throw new Error(`unknown field ${parent.name}.${name}`);
          const named = getNamedType(field.type);
          steps.push({
            kind: 'field',
            responseName,
            isTypename: false,
            type: field.type,
            conditions,
            selections:
              selection.selectionSet && isCompositeType(named)
                ? compile(selection.selectionSet, named)
                : undefined,
          });
        }
      } else {
        const typeName =
          selection.kind === Kind.INLINE_FRAGMENT
            ? selection.typeCondition?.name.value
            : fragmentOf(selection.name.value).typeCondition.name.value;
        const typeCondition = typeName ? compositeType(typeName) : undefined;
        const set =
          selection.kind === Kind.INLINE_FRAGMENT
            ? selection.selectionSet
            : fragmentOf(selection.name.value).selectionSet;
        steps.push({
          kind: 'fragment',
          typeCondition,
          conditions,
          selections: compile(set, typeCondition ?? parent),
        });
      }
    }
    return steps;
  }

  function fragmentOf(name: string): FragmentDefinitionNode {
    const fragment = fragments[name];
    if (!fragment) throw new Error(`unknown fragment ${name}`);
    return fragment;
  }

  function compositeType(name: string): GraphQLCompositeType {
    const type = schema.getType(name);
    if (!type || !isCompositeType(type)) throw new Error(`unknown type ${name}`);
    return type;
  }

  const steps = compile(operation.selectionSet, rootType);

  return {
    shape(input, variables) {
      if (!input) return { data: input, errors: [] };
      const values = { ...defaults, ...variables };
      const errors: GraphQLError[] = [];
      const run = new ShapeRun(schema, values, errors);
      const data = Object.create(null) as Record<string, unknown>;
      const result = run.applySteps(input, steps, data, [], rootType);
      return { data: result === NULL_BUBBLE ? null : data, errors };
    },
  };
}

function conditionsOf(directives: readonly DirectiveNode[] | undefined): Condition[] {
  const conditions: Condition[] = [];
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const argument = directive.arguments?.find((arg) => arg.name.value === 'if');
    if (!argument) continue;
    const value =
      argument.value.kind === Kind.VARIABLE
        ? argument.value.name.value
        : argument.value.kind === Kind.BOOLEAN && argument.value.value;
    conditions.push({ skip: name === 'skip', value });
  }
  return conditions;
}

/** One shaping: the variables, the errors found, and the walk (resultShaping.ts, compiled). */
class ShapeRun {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly variables: Record<string, unknown>,
    private readonly errors: GraphQLError[],
  ) {}

  private skipped(conditions: Condition[]): boolean {
    for (const condition of conditions) {
      const value =
        typeof condition.value === 'string' ? this.variables[condition.value] : condition.value;
      if (typeof value !== 'boolean')
        throw new Error(`Unexpected value ${String(value)} for a @skip/@include variable`);
      if (condition.skip === value) return true;
    }
    return false;
  }

  applySteps(
    input: Record<string, unknown>,
    steps: Step[],
    output: Record<string, unknown>,
    path: Path,
    parentType: GraphQLCompositeType,
  ): typeof NULL_BUBBLE | undefined {
    for (const step of steps) {
      if (step.conditions.length && this.skipped(step.conditions)) continue;
      if (step.kind === 'field') {
        const { responseName } = step;
        const outputValue = output[responseName];
        let inputValue = Object.hasOwn(input, responseName) ? (input[responseName] ?? null) : null;
        if (step.isTypename) {
          if (outputValue === undefined) {
            if (inputValue === null && responseName !== '__typename')
              inputValue = input['__typename'] ?? null;
            const type =
              typeof inputValue === 'string'
                ? (this.schema.getType(inputValue) ?? parentType)
                : parentType;
            if (!isObjectType(type)) return NULL_BUBBLE;
            output[responseName] = type.name;
          }
          continue;
        }
        path.push(responseName);
        const { updated, isInvalid } = this.update(
          outputValue,
          step.type,
          inputValue,
          step.selections,
          path,
          parentType,
        );
        output[responseName] = updated;
        path.pop();
        if (isInvalid) return NULL_BUBBLE;
      } else {
        const typename = input['__typename'];
        if (typename !== undefined && typename !== null && typeof typename !== 'string')
          throw new Error(`Got unexpected value for __typename: ${String(typename)}`);
        if (this.applies(step.typeCondition, typename || undefined, parentType)) {
          const result = this.applySteps(
            input,
            step.selections,
            output,
            path,
            step.typeCondition ?? parentType,
          );
          if (result === NULL_BUBBLE) return NULL_BUBBLE;
        }
      }
    }
    return undefined;
  }

  private applies(
    condition: GraphQLCompositeType | undefined,
    typename: string | undefined,
    parentType: GraphQLCompositeType,
  ): boolean {
    if (!condition) return true;
    if (typename) {
      const type = this.schema.getType(typename);
      return !!type && isSubtype(this.schema, condition, type);
    }
    return isSubtype(this.schema, condition, parentType);
  }

  private update(
    outputValue: unknown,
    type: GraphQLOutputType,
    inputValue: unknown,
    selections: Step[] | undefined,
    path: Path,
    parentType: GraphQLCompositeType,
  ): { updated: unknown; isInvalid?: boolean; hasErrors?: boolean } {
    if (outputValue === null || (outputValue !== undefined && !selections))
      return { updated: outputValue };
    if (isNonNullType(type)) {
      const { updated, hasErrors } = this.update(
        outputValue,
        type.ofType,
        inputValue,
        selections,
        path,
        parentType,
      );
      if (updated === null) {
        if (!hasErrors)
          this.error(
            `Cannot return null for non-nullable ${describe(path, type.ofType, parentType)}.`,
            path,
          );
        return { updated, isInvalid: true, hasErrors: true };
      }
      return { updated };
    }
    if (inputValue === null) return { updated: null };
    if (isListType(type)) {
      if (!Array.isArray(inputValue))
        throw new Error(
          `Invalid non-list value returned by subgraph for list type ${String(type)}`,
        );
      const outputList: unknown[] =
        outputValue === undefined
          ? new Array<unknown>(inputValue.length).fill(undefined)
          : (outputValue as unknown[]);
      if (!Array.isArray(outputList) || outputList.length !== inputValue.length)
        throw new Error(`Invalid list value returned by subgraph for list type ${String(type)}`);
      let nullify = false;
      let hasErrors = false;
      const updated = outputList.map((element, index) => {
        path.push(index);
        const item = this.update(
          element,
          type.ofType as GraphQLOutputType,
          (inputValue as unknown[])[index],
          selections,
          path,
          parentType,
        );
        path.pop();
        nullify ||= !!item.isInvalid;
        hasErrors ||= !!item.hasErrors;
        return item.updated;
      });
      return { updated: nullify ? null : updated, hasErrors };
    }
    if (isCompositeType(type)) {
      if (!selections || typeof inputValue !== 'object')
        throw new Error(
          `Invalid non-object value returned by subgraph for composite type ${type.name}`,
        );
      const record = inputValue as Record<string, unknown>;
      const typename = record['__typename'];
      if (typename !== undefined && typeof typename !== 'string')
        throw new Error(`Invalid non-string value for __typename at ${path.join('.')}`);
      let objectType: GraphQLCompositeType = type;
      if (typename) {
        const named = this.schema.getType(typename);
        if (!named || !isCompositeType(named)) {
          this.error(
            `Invalid __typename found for object at ${describe(path, type, parentType)}.`,
            path,
          );
          return { updated: null, hasErrors: true };
        }
        objectType = named;
      }
      const output =
        outputValue === undefined
          ? (Object.create(null) as Record<string, unknown>)
          : (outputValue as Record<string, unknown>);
      const result = this.applySteps(record, selections, output, path, objectType);
      const hasErrors = result === NULL_BUBBLE;
      return { updated: hasErrors ? null : output, hasErrors };
    }
    const valid = isValidLeafValue(inputValue, type);
    if (!valid) this.error(`Invalid value found for ${describe(path, type, parentType)}.`, path);
    return { updated: valid ? inputValue : null, hasErrors: !valid };
  }

  private error(message: string, path: Path): void {
    this.errors.push(
      new GraphQLError(message, { path: [...path], extensions: { code: 'INVALID_GRAPHQL' } }),
    );
  }
}

function describe(path: Path, type: GraphQLOutputType, parentType: GraphQLCompositeType): string {
  const element = path[path.length - 1];
  return typeof element === 'string'
    ? `field ${parentType.name}.${element}`
    : `array element of type ${String(type)} at index ${String(element)}`;
}

/** federation-internals' `isSubtype(condition, type)`: the same type, or one of its possible types. */
function isSubtype(
  schema: GraphQLSchema,
  condition: GraphQLCompositeType,
  type: GraphQLNamedType,
): boolean {
  if (condition === type) return true;
  if (!isAbstractType(condition)) return false;
  return (
    (isObjectType(type) || 'getInterfaces' in type) && schema.isSubType(condition, type as never)
  );
}

/** federation-internals' `isValidLeafValue`: custom scalars take anything. */
function isValidLeafValue(value: unknown, type: GraphQLLeafType): boolean {
  if (!isEnumType(type) && !isSpecifiedScalarType(type)) return true;
  const name = type.name;
  if (typeof value === 'boolean') return name === 'Boolean';
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (name === 'Int' || name === 'ID') return integerString.test(String(value));
    return name === 'Float';
  }
  if (typeof value === 'string') {
    if (isEnumType(type)) return type.getValue(value) !== undefined;
    return name !== 'Boolean' && name !== 'Int' && name !== 'Float';
  }
  return false;
}
