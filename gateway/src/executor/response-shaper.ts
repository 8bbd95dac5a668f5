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
  type DocumentNode,
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
  /** The field's type, compiled (see TypeNode); the parent type for `__typename`. */
  type: TypeNode;
  /** A leaf field (nullable or not, not a list): its type, for the shortcut of a valid value. */
  leaf: Extract<TypeNode, { kind: 'leaf' }> | undefined;
  conditions: Condition[];
  selections: Step[] | undefined;
}

/**
 * A field's output type compiled once, so shaping a value does no graphql-js type checks: the
 * wrappers, then a composite type or a leaf's validity check.
 */
type TypeNode =
  | { kind: 'nonNull'; ofType: TypeNode; type: GraphQLOutputType }
  | { kind: 'list'; ofType: TypeNode; type: GraphQLOutputType }
  | { kind: 'composite'; type: GraphQLCompositeType }
  | { kind: 'leaf'; type: GraphQLLeafType; isValid: (value: unknown) => boolean };

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

const NULL_BUBBLE = Symbol('null bubbles up');

/** The shaper of `operation`, one of `document`'s operations (with the document's fragments). */
export function shaperOfDocument(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): ResponseShaper {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  return compileResponseShaper(schema, operation, fragments);
}

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
            type: { kind: 'composite', type: parent },
            leaf: undefined,
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
          const compiled = compileType(field.type);
          steps.push({
            kind: 'field',
            responseName,
            isTypename: false,
            type: compiled,
            leaf: leafOf(compiled),
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
  // Plain objects are V8's fast ones (Object.create(null) makes dictionaries, slower to fill and
  // to serialise); only an operation with a `__proto__` alias needs objects without a prototype.
  const newObject = usesProtoKey(steps)
    ? () => Object.create(null) as Record<string, unknown>
    : () => ({}) as Record<string, unknown>;

  return {
    shape(input, variables) {
      if (!input) return { data: input, errors: [] };
      const values = { ...defaults, ...variables };
      const errors: GraphQLError[] = [];
      const run = new ShapeRun(schema, values, errors, newObject);
      const data = newObject();
      const result = run.applySteps(input, steps, data, [], rootType);
      return { data: result === NULL_BUBBLE ? null : data, errors };
    },
  };
}

function usesProtoKey(steps: Step[]): boolean {
  return steps.some((step) =>
    step.kind === 'field'
      ? step.responseName === '__proto__' || (!!step.selections && usesProtoKey(step.selections))
      : usesProtoKey(step.selections),
  );
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
    private readonly newObject: () => Record<string, unknown>,
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
        const leaf = step.leaf;
        if (leaf && outputValue === undefined && inputValue !== null && leaf.isValid(inputValue)) {
          // The common case without a walk: a valid leaf value seen for the first time.
          output[responseName] = inputValue;
          continue;
        }
        path.push(responseName);
        output[responseName] = this.update(
          outputValue,
          step.type,
          inputValue,
          step.selections,
          path,
          parentType,
        );
        path.pop();
        if (this.invalid) return NULL_BUBBLE;
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

  /** Set by every `update`: its value is a null that must bubble up to a nullable parent. */
  private invalid = false;
  /** Set by every `update`: an error was reported at or below its value. */
  private hasErrors = false;

  /** The shaped value (resultShaping.ts `updateOutputValue`); sets `invalid` and `hasErrors`. */
  private update(
    outputValue: unknown,
    type: TypeNode,
    inputValue: unknown,
    selections: Step[] | undefined,
    path: Path,
    parentType: GraphQLCompositeType,
  ): unknown {
    this.invalid = false;
    this.hasErrors = false;
    if (outputValue === null || (outputValue !== undefined && !selections)) return outputValue;
    switch (type.kind) {
      case 'nonNull': {
        const updated = this.update(
          outputValue,
          type.ofType,
          inputValue,
          selections,
          path,
          parentType,
        );
        if (updated === null) {
          if (!this.hasErrors)
            this.error(
              `Cannot return null for non-nullable ${describe(path, type.ofType.type, parentType)}.`,
              path,
            );
          this.invalid = true;
          this.hasErrors = true;
          return null;
        }
        this.invalid = false;
        this.hasErrors = false;
        return updated;
      }
      case 'list': {
        if (inputValue === null) return null;
        if (!Array.isArray(inputValue))
          throw new Error(
            `Invalid non-list value returned by subgraph for list type ${String(type.type)}`,
          );
        const outputList: unknown[] =
          outputValue === undefined
            ? new Array<unknown>(inputValue.length).fill(undefined)
            : (outputValue as unknown[]);
        if (!Array.isArray(outputList) || outputList.length !== inputValue.length)
          throw new Error(
            `Invalid list value returned by subgraph for list type ${String(type.type)}`,
          );
        let nullify = false;
        let hasErrors = false;
        const updated = new Array<unknown>(outputList.length);
        for (let index = 0; index < outputList.length; index++) {
          path.push(index);
          updated[index] = this.update(
            outputList[index],
            type.ofType,
            inputValue[index],
            selections,
            path,
            parentType,
          );
          path.pop();
          nullify ||= this.invalid;
          hasErrors ||= this.hasErrors;
        }
        this.invalid = false;
        this.hasErrors = hasErrors;
        return nullify ? null : updated;
      }
      case 'composite': {
        if (inputValue === null) return null;
        if (!selections || typeof inputValue !== 'object')
          throw new Error(
            `Invalid non-object value returned by subgraph for composite type ${type.type.name}`,
          );
        const record = inputValue as Record<string, unknown>;
        const typename = record['__typename'];
        if (typename !== undefined && typeof typename !== 'string')
          throw new Error(`Invalid non-string value for __typename at ${path.join('.')}`);
        let objectType: GraphQLCompositeType = type.type;
        if (typename) {
          const named = this.schema.getType(typename);
          if (!named || !isCompositeType(named)) {
            this.error(
              `Invalid __typename found for object at ${describe(path, type.type, parentType)}.`,
              path,
            );
            this.hasErrors = true;
            return null;
          }
          objectType = named;
        }
        const output =
          outputValue === undefined ? this.newObject() : (outputValue as Record<string, unknown>);
        const bubbled =
          this.applySteps(record, selections, output, path, objectType) === NULL_BUBBLE;
        this.invalid = false;
        this.hasErrors = bubbled;
        return bubbled ? null : output;
      }
      case 'leaf': {
        if (inputValue === null) return null;
        if (type.isValid(inputValue)) return inputValue;
        this.error(`Invalid value found for ${describe(path, type.type, parentType)}.`, path);
        this.hasErrors = true;
        return null;
      }
    }
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

function leafOf(type: TypeNode): Extract<TypeNode, { kind: 'leaf' }> | undefined {
  const inner = type.kind === 'nonNull' ? type.ofType : type;
  return inner.kind === 'leaf' ? inner : undefined;
}

function compileType(type: GraphQLOutputType): TypeNode {
  if (isNonNullType(type)) return { kind: 'nonNull', ofType: compileType(type.ofType), type };
  if (isListType(type)) return { kind: 'list', ofType: compileType(type.ofType), type };
  if (isCompositeType(type)) return { kind: 'composite', type };
  return { kind: 'leaf', type, isValid: leafValidity(type) };
}

/**
 * federation-internals' `isValidLeafValue` for one type: custom scalars take anything; an Int or
 * an ID number must print as an integer literal (no exponent: below 1e21).
 */
function leafValidity(type: GraphQLLeafType): (value: unknown) => boolean {
  if (isEnumType(type))
    return (value) => typeof value === 'string' && type.getValue(value) !== undefined;
  if (!isSpecifiedScalarType(type)) return () => true;
  switch (type.name) {
    case 'Boolean':
      return (value) => typeof value === 'boolean';
    case 'Int':
      return isIntegerLiteral;
    case 'ID':
      return (value) => typeof value === 'string' || isIntegerLiteral(value);
    case 'Float':
      return (value) => typeof value === 'number' && Number.isFinite(value);
    default:
      return (value) => typeof value === 'string';
  }
}

function isIntegerLiteral(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 1e21;
}
