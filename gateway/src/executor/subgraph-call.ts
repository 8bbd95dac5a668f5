import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { INTERNAL_CREDENTIAL_HEADER, type RequestIdentity } from '@jobber/service-kit';
import { missingEntityErrors } from '../missing-entities.js';
import type { GatewayContext, SubgraphDataSource } from '../subgraph-data-source.js';
import type { RawAnswer } from '../subgraph-fetcher.js';
import { failureCause } from '../subgraph-failures.js';
import { isUnreachable, subgraphUnavailable } from '../subgraph-unavailable.js';
import type { ReusableCredentials } from './credential-reuse.js';

/** A subgraph's GraphQL answer (its body, parsed). */
export interface SubgraphAnswer {
  data?: Record<string, unknown> | null;
  errors?: GraphQLFormattedError[];
}

const anonymous: RequestIdentity = {
  viewer: null,
  client: { ip: null, userAgent: null, deviceId: null },
  requestId: '',
};

/**
 * What one client request's fetches share: its credential per subgraph (not signed per fetch:
 * an EdDSA signature is the most expensive thing a fetch did; taken from `credentials`, which
 * reuses one across requests of the same caller), and, with GATEWAY_FETCH_DEDUP, the bodies of
 * its identical fetches in flight.
 */
export class RequestFetches {
  private readonly signed = new Map<string, Promise<string>>();
  private readonly inFlight: Map<string, Promise<RawAnswer>> | null;

  constructor(
    readonly context: GatewayContext,
    private readonly credentials: ReusableCredentials,
    dedup: boolean,
  ) {
    this.inFlight = dedup ? new Map() : null;
  }

  credential(source: SubgraphDataSource): Promise<string> {
    let credential = this.signed.get(source.subgraphName);
    if (!credential) {
      credential = this.credentials.get(source.subgraphName, this.context.identity ?? anonymous);
      this.signed.set(source.subgraphName, credential);
    }
    return credential;
  }

  /**
   * One subgraph fetch with every behaviour of SubgraphDataSource (over RemoteGraphQLDataSource):
   * the credential and x-request-id, an unreachable subgraph as the retryable UNAVAILABLE naming
   * it (recorded in context.subgraphFailures), an HTTP error as `<status>: ` with its
   * UNAUTHENTICATED/FORBIDDEN code, and each entity resolved to null as NOT_FOUND.
   */
  async send(
    source: SubgraphDataSource,
    query: string,
    variables: Record<string, unknown>,
    operationName: string | undefined,
    dedup: boolean,
  ): Promise<SubgraphAnswer> {
    const answer = await this.answer(source, query, variables, operationName, dedup);
    return withMissingEntities(source.subgraphName, variables['representations'], answer);
  }

  /** The same without the NOT_FOUND errors of null entities (a merged fetch adds them per part). */
  async answer(
    source: SubgraphDataSource,
    query: string,
    variables: Record<string, unknown>,
    operationName: string | undefined,
    dedup: boolean,
  ): Promise<SubgraphAnswer> {
    const body = JSON.stringify({ query, variables, operationName });
    let answer: RawAnswer;
    try {
      answer = await this.post(source, body, dedup);
    } catch (error) {
      throw this.failed(source, error, undefined);
    }
    const parsed = parseBody(answer);
    if (answer.status < 200 || answer.status > 299) {
      const error = new GraphQLError(`${answer.status}: `, {
        extensions: {
          response: { url: source.url, status: answer.status, statusText: '', body: parsed },
          ...(answer.status === 401
            ? { code: 'UNAUTHENTICATED' }
            : answer.status === 403
              ? { code: 'FORBIDDEN' }
              : {}),
        },
      });
      throw this.failed(source, error, answer.status);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
    return parsed as SubgraphAnswer;
  }

  private async post(source: SubgraphDataSource, body: string, dedup: boolean): Promise<RawAnswer> {
    const key = dedup && this.inFlight ? `${source.subgraphName}\n${body}` : null;
    if (key && this.inFlight) {
      const shared = this.inFlight.get(key);
      if (shared) return shared;
    }
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [INTERNAL_CREDENTIAL_HEADER]: await this.credential(source),
    };
    const requestId = this.context.identity?.requestId;
    if (requestId) headers['x-request-id'] = requestId;
    const sent = source.post(new URL(source.url).pathname, headers, body);
    if (key && this.inFlight) {
      const inFlight = this.inFlight;
      inFlight.set(key, sent);
      void sent.then(
        () => inFlight.delete(key),
        () => inFlight.delete(key),
      );
    }
    return sent;
  }

  /** SubgraphDataSource.didEncounterError: unreachable → UNAVAILABLE, anything else as it is. */
  private failed(source: SubgraphDataSource, error: unknown, status: number | undefined): unknown {
    if (!isUnreachable(error, status)) return error;
    const failures = this.context.subgraphFailures;
    if (failures) failures.record(source.subgraphName, failureCause(error, status));
    else
      source.logger.warn(
        { subgraph: source.subgraphName, status, err: error },
        'subgraph unavailable',
      );
    return subgraphUnavailable(source.subgraphName);
  }
}

/** The answer with a NOT_FOUND error for each entity the subgraph resolved to null. */
export function withMissingEntities(
  subgraph: string,
  representations: unknown,
  answer: SubgraphAnswer,
): SubgraphAnswer {
  const missing = missingEntityErrors(subgraph, representations, answer.data, answer.errors);
  return missing.length ? { ...answer, errors: [...(answer.errors ?? []), ...missing] } : answer;
}

/** RemoteGraphQLDataSource.parseBody: JSON when the subgraph says so, else the text. */
function parseBody(answer: RawAnswer): unknown {
  const type = answer.contentType;
  if (
    type &&
    (type.startsWith('application/json') || type.startsWith('application/graphql-response+json'))
  )
    return JSON.parse(answer.body) as unknown;
  return answer.body;
}
