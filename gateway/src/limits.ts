import {
  HeaderMap,
  type ApolloServer,
  type BaseContext,
  type HTTPGraphQLRequest,
  type HTTPGraphQLResponse,
} from '@apollo/server';
import { Kind, getOperationAST, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { BoundedCache } from './bounded-cache.js';
import { countDocument, measureOperations } from './operation-measure.js';
import {
  firstExceeded,
  limitMessage,
  type LimitExceeded,
  type OperationLimits,
} from './operation-limits.js';
import { RateLimited, tooManyRequests } from './rate-limits.js';
import { operationProblem, variablesHoldNul } from './request-rules.js';
import { checkSource } from './source-limits.js';

/** A client error answered before Apollo runs: status, code and extra extensions. */
export interface Refusal {
  message: string;
  extensions: { code: 'BAD_REQUEST' | 'BAD_USER_INPUT'; [name: string]: unknown };
}

const limitRefusal = (exceeded: LimitExceeded): Refusal => ({
  message: limitMessage(exceeded),
  extensions: { code: 'BAD_REQUEST', limit: exceeded.limit, max: exceeded.max },
});

/** Operation texts whose screening is kept (each up to the token limit in size). */
const SCREENED_TEXTS = 1_000;

const nulRefusal: Refusal = {
  message: 'Text arguments must not contain NUL characters.',
  extensions: { code: 'BAD_USER_INPUT' },
};

interface GraphQLParams {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/** The query, variables and operation name of a POST (JSON) or GET request, as Apollo reads them. */
function paramsOf(request: HTTPGraphQLRequest): GraphQLParams {
  if (request.method === 'GET') {
    const search = new URLSearchParams(request.search);
    let variables: unknown;
    try {
      variables = JSON.parse(search.get('variables') ?? 'null');
    } catch {
      variables = undefined; // Apollo answers the malformed variables
    }
    return {
      query: search.get('query') ?? undefined,
      variables,
      operationName: search.get('operationName') ?? undefined,
    };
  }
  const body = request.body;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as GraphQLParams) : {};
}

/**
 * Why the operation is refused before validation and planning, or undefined: NUL characters,
 * then tokens and nesting on the text (before the recursive parser), then counts on the parsed
 * document, then an operation that cannot be run over HTTP (none of that name, several and no
 * name, a subscription), then depth, introspection depth, root fields and cost with each fragment
 * measured once. Every step is linear in the size of the document. Text that does not parse,
 * and an `operationName` that is not a string, are left to Apollo, which reports them.
 */
export function refusalFor(
  params: GraphQLParams,
  schema: GraphQLSchema | undefined,
  limits: OperationLimits,
): Refusal | undefined {
  return screenOperation(params, schema, limits).refusal;
}

export type Transport = 'http' | 'websocket';

/** What the limits make of a request: a refusal, or the cost it will be charged (0 unmeasured). */
export type Screening =
  { refusal: Refusal; cost?: undefined } | { refusal?: undefined; cost: number };

/**
 * What an operation's text alone decides, the same for every request sending that text: a
 * refusal, or the parsed document (undefined when it does not parse: Apollo reports that) and,
 * for a document without variables, its measured screening once the schema is known.
 */
export type TextScreening =
  | { refusal: Refusal }
  | {
      refusal?: undefined;
      document: DocumentNode | undefined;
      hasVariables: boolean;
      measured?: { schema: GraphQLSchema; screening: Screening };
      /**
       * With variables: screenings by the values of the variables the measure read (list sizes;
       * not cursors or search words), so a page asked for again with another cursor is not
       * measured again. The same values of those variables walk the same way to the same result.
       */
      byVariables?: { schema: GraphQLSchema; names: string[]; screenings: BoundedCache<Screening> };
    };

/** `refusalFor`, and the cost of an operation that passes (for the per-client cost budget). */
export function screenOperation(
  params: GraphQLParams,
  schema: GraphQLSchema | undefined,
  limits: OperationLimits,
  /** Over WebSocket (graphql-ws) only subscriptions are served; over HTTP everything else. */
  transport: Transport = 'http',
  /** Screenings of texts seen before (for these limits): each text is parsed and counted once. */
  cache?: BoundedCache<TextScreening>,
): Screening {
  const passed: Screening = { cost: 0 };
  if (variablesHoldNul(params.variables)) return { refusal: nulRefusal };
  if (typeof params.query !== 'string') return passed;
  const name = params.operationName;
  const key = `${transport}\n${typeof name === 'string' ? `s${name}` : name === null || name === undefined ? 'n' : 'x'}\n${params.query}`;
  let text = cache?.get(key);
  if (!text) {
    text = screenText(params.query, params.operationName, limits, transport);
    cache?.set(key, text);
  }
  if (text.refusal) return { refusal: text.refusal };
  if (!text.document || !schema) return passed;
  if (!text.hasVariables && text.measured?.schema === schema) return text.measured.screening;
  const variables =
    params.variables && typeof params.variables === 'object'
      ? (params.variables as Record<string, unknown>)
      : {};
  const known = text.hasVariables && text.byVariables?.schema === schema ? text.byVariables : null;
  const seen = known?.screenings.get(valuesOf(known.names, variables));
  if (seen) return seen;
  const read = new Set<string>();
  const measures = measureOperations(text.document, schema, variables, read);
  const measured = firstExceeded(
    {
      depth: measures.depth,
      introspectionDepth: measures.introspectionDepth,
      cost: measures.cost,
      rootFields: measures.topFields,
    },
    limits,
  );
  const screening: Screening = measured
    ? { refusal: limitRefusal(measured) }
    : { cost: measures.cost };
  if (!text.hasVariables) text.measured = { schema, screening };
  else {
    const names = [...new Set([...(known?.names ?? []), ...read])].sort();
    const byVariables =
      known && names.length === known.names.length
        ? known
        : { schema, names, screenings: new BoundedCache<Screening>(16) };
    byVariables.screenings.set(valuesOf(names, variables), screening);
    text.byVariables = byVariables;
  }
  return screening;
}

/** The values of `names` in `variables`, as a key (a missing one and null measure alike). */
function valuesOf(names: readonly string[], variables: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(names.map((name) => variables[name] ?? null));
}

/** The steps of screenOperation that read only the text and the operation's name. */
function screenText(
  query: string,
  operationName: unknown,
  limits: OperationLimits,
  transport: Transport,
): TextScreening {
  const exceeded = checkSource(query, limits);
  if (exceeded) return { refusal: limitRefusal(exceeded) };
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: limits.tokens, noLocation: true });
  } catch {
    return { document: undefined, hasVariables: false };
  }
  const counts = countDocument(document);
  const counted = firstExceeded(
    {
      fragmentSpreads: counts.fragmentSpreads,
      aliases: counts.aliases,
      directives: counts.directives,
      repeatedFields: counts.repeatedFields,
    },
    limits,
  );
  if (counted) return { refusal: limitRefusal(counted) };
  if (counts.nulString) return { refusal: nulRefusal };
  const choice = choiceRefusal(document, operationName, transport);
  if (choice) return { refusal: choice };
  const hasVariables = document.definitions.some(
    (definition) =>
      definition.kind === Kind.OPERATION_DEFINITION && !!definition.variableDefinitions?.length,
  );
  return { document, hasVariables };
}

/**
 * Apollo Server with the operation limits in front: a refused request is answered 400 with
 * one error (`BAD_REQUEST` + `extensions.limit`/`max`, or `BAD_USER_INPUT`) before Apollo
 * parses, validates or plans it. (Apollo's plugin hooks before validation cannot answer a
 * request: an error thrown there becomes a 500.)
 */
export function withOperationLimits<C extends BaseContext>(
  apollo: ApolloServer<C>,
  limits: OperationLimits,
  schema: () => GraphQLSchema | undefined,
  /** Charges an admitted operation's cost to its caller; throws RateLimited when over budget. */
  chargeCost?: (cost: number, context: C) => Promise<void>,
): Pick<ApolloServer<C>, 'executeHTTPGraphQLRequest'> {
  const screenings = new BoundedCache<TextScreening>(SCREENED_TEXTS);
  return {
    async executeHTTPGraphQLRequest(request) {
      const screening = screenOperation(
        paramsOf(request.httpGraphQLRequest),
        schema(),
        limits,
        'http',
        screenings,
      );
      if (screening.refusal) return refusalResponse(400, screening.refusal);
      if (chargeCost && screening.cost > 0) {
        try {
          await chargeCost(screening.cost, await request.context());
        } catch (error) {
          if (!(error instanceof RateLimited)) throw error;
          return refusalResponse(429, tooManyRequests(error), error.retryAfterSeconds);
        }
      }
      return apollo.executeHTTPGraphQLRequest(request);
    },
  };
}

function refusalResponse(
  status: 400 | 429,
  refusal: Refusal | ReturnType<typeof tooManyRequests>,
  retryAfterSeconds?: number,
): HTTPGraphQLResponse {
  const headers = new HeaderMap([['content-type', 'application/json; charset=utf-8']]);
  if (retryAfterSeconds !== undefined) headers.set('retry-after', String(retryAfterSeconds));
  return {
    status,
    headers,
    body: { kind: 'complete', string: JSON.stringify({ errors: [refusal] }) },
  };
}

/**
 * 400 `BAD_REQUEST` for an operation that cannot be chosen (an unknown `operationName`, several
 * operations and no name) or a subscription over HTTP. Decided here, before validation: graphql-js
 * would call two anonymous operations a validation failure, and a subscription one too while the
 * API has no Subscription type.
 */
function choiceRefusal(
  document: DocumentNode,
  operationName: unknown,
  transport: Transport,
): Refusal | undefined {
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
    return undefined;
  const name = operationName || undefined;
  const problem = operationProblem(
    document,
    getOperationAST(document, name) ?? undefined,
    name,
    transport,
  );
  return problem ? { message: problem, extensions: { code: 'BAD_REQUEST' } } : undefined;
}
