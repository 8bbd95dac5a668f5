import {
  HeaderMap,
  type ApolloServer,
  type BaseContext,
  type HTTPGraphQLRequest,
  type HTTPGraphQLResponse,
} from '@apollo/server';
import { getOperationAST, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
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

/** `refusalFor`, and the cost of an operation that passes (for the per-client cost budget). */
export function screenOperation(
  params: GraphQLParams,
  schema: GraphQLSchema | undefined,
  limits: OperationLimits,
  /** Over WebSocket (graphql-ws) only subscriptions are served; over HTTP everything else. */
  transport: Transport = 'http',
): Screening {
  const refused = (refusal: Refusal): Screening => ({ refusal });
  const passed: Screening = { cost: 0 };
  if (variablesHoldNul(params.variables)) return refused(nulRefusal);
  if (typeof params.query !== 'string') return passed;
  const exceeded = checkSource(params.query, limits);
  if (exceeded) return refused(limitRefusal(exceeded));
  let document: DocumentNode;
  try {
    document = parse(params.query, { maxTokens: limits.tokens, noLocation: true });
  } catch {
    return passed;
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
  if (counted) return refused(limitRefusal(counted));
  if (counts.nulString) return refused(nulRefusal);
  const choice = choiceRefusal(document, params.operationName, transport);
  if (choice) return refused(choice);
  if (!schema) return passed;
  const variables =
    params.variables && typeof params.variables === 'object'
      ? (params.variables as Record<string, unknown>)
      : {};
  const measures = measureOperations(document, schema, variables);
  const measured = firstExceeded(
    {
      depth: measures.depth,
      introspectionDepth: measures.introspectionDepth,
      cost: measures.cost,
      rootFields: measures.topFields,
    },
    limits,
  );
  return measured ? refused(limitRefusal(measured)) : { cost: measures.cost };
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
  return {
    async executeHTTPGraphQLRequest(request) {
      const screening = screenOperation(paramsOf(request.httpGraphQLRequest), schema(), limits);
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
