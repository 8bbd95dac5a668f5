import { RemoteGraphQLDataSource } from '@apollo/gateway';
import {
  INTERNAL_CREDENTIAL_HEADER,
  type InternalCredentialSigner,
  type Logger,
  type RequestIdentity,
} from '@jobber/service-kit';
import { missingEntityErrors } from './missing-entities.js';
import {
  createSubgraphFetcher,
  defaultSubgraphFetchSettings,
  type RawPost,
  type SubgraphFetchSettings,
} from './subgraph-fetcher.js';
import { failureCause, type SubgraphFailures } from './subgraph-failures.js';
import { isUnreachable, subgraphUnavailable } from './subgraph-unavailable.js';

export interface GatewayContext {
  identity: RequestIdentity;
  /** This request's failed subgraph fetches, logged once at its end (subgraphFailureLogging). */
  subgraphFailures?: SubgraphFailures;
}

type DataSource = RemoteGraphQLDataSource<GatewayContext>;

type DataSourceError = Parameters<DataSource['didEncounterError']>;

export interface SubgraphDataSourceOptions {
  signer: InternalCredentialSigner;
  logger: Logger;
  /** Timeout, pool size and keep-alive of this subgraph's fetches (defaults: SUBGRAPH_* in config). */
  fetch?: Partial<SubgraphFetchSettings>;
}

/**
 * Sends each subgraph request with a credential signed for that subgraph, carrying the viewer;
 * turns a subgraph that cannot be reached into a retryable UNAVAILABLE error naming it, and an
 * entity its owner no longer knows into NOT_FOUND at its reference.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  readonly signer: InternalCredentialSigner;
  readonly logger: Logger;
  /** This subgraph's pool without Fetch API objects (the jobber executor's fetches). */
  readonly post: RawPost;
  /** Closes this subgraph's connection pool. */
  readonly close: () => Promise<void>;

  constructor(
    readonly subgraphName: string,
    url: string,
    options: SubgraphDataSourceOptions,
  ) {
    super({ url });
    this.signer = options.signer;
    this.logger = options.logger;
    // A bounded keep-alive pool with a deadline on every fetch, instead of Apollo's unbounded one.
    const { fetcher, post, close } = createSubgraphFetcher(url, {
      ...defaultSubgraphFetchSettings,
      ...options.fetch,
    });
    this.fetcher = fetcher;
    this.post = post;
    this.close = close;
  }

  override async willSendRequest({
    request,
    context,
  }: Parameters<NonNullable<DataSource['willSendRequest']>>[0]) {
    // Health checks and schema loads have no request context; they go out as anonymous.
    const identity: RequestIdentity = context.identity ?? {
      viewer: null,
      client: { ip: null, userAgent: null, deviceId: null },
      requestId: '',
    };
    request.http?.headers.set(
      INTERNAL_CREDENTIAL_HEADER,
      await this.signer.sign(this.subgraphName, identity),
    );
    if (identity.requestId) request.http?.headers.set('x-request-id', identity.requestId);
  }

  override didEncounterError(...[error, , response, context]: DataSourceError): void {
    if (!isUnreachable(error, response?.status)) throw error;
    const failures = context?.subgraphFailures;
    if (failures) failures.record(this.subgraphName, failureCause(error, response?.status));
    else {
      // Health checks and schema loads: no request to summarise them in.
      this.logger.warn(
        { subgraph: this.subgraphName, status: response?.status, err: error },
        'subgraph unavailable',
      );
    }
    throw subgraphUnavailable(this.subgraphName);
  }

  override didReceiveResponse({
    response,
    request,
  }: Parameters<NonNullable<DataSource['didReceiveResponse']>>[0]) {
    const missing = missingEntityErrors(
      this.subgraphName,
      request.variables?.['representations'],
      response.data,
      response.errors,
    );
    return missing.length
      ? { ...response, errors: [...(response.errors ?? []), ...missing] }
      : response;
  }
}

/**
 * The data sources of `list` (which the gateway fills as the supergraph loads) by subgraph
 * name, the map rebuilt only when the list has grown.
 */
export function sourcesByName(
  list: readonly SubgraphDataSource[],
): () => ReadonlyMap<string, SubgraphDataSource> {
  let map = new Map<string, SubgraphDataSource>();
  return () => {
    if (map.size !== list.length)
      map = new Map(list.map((source) => [source.subgraphName, source]));
    return map;
  };
}
