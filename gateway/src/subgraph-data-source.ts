import { RemoteGraphQLDataSource } from '@apollo/gateway';
import {
  INTERNAL_CREDENTIAL_HEADER,
  type InternalCredentialSigner,
  type Logger,
  type RequestIdentity,
} from '@jobber/service-kit';
import { missingEntityErrors } from './missing-entities.js';
import { SUBGRAPH_TIMEOUT_MS, isUnreachable, subgraphUnavailable } from './subgraph-unavailable.js';

export interface GatewayContext {
  identity: RequestIdentity;
}

type DataSource = RemoteGraphQLDataSource<GatewayContext>;

type DataSourceError = Parameters<DataSource['didEncounterError']>;

export interface SubgraphDataSourceOptions {
  signer: InternalCredentialSigner;
  logger: Logger;
  /** Per fetch; a fetch that takes longer fails as UNAVAILABLE. */
  timeoutMs?: number;
}

/**
 * Sends each subgraph request with a credential signed for that subgraph, carrying the viewer;
 * turns a subgraph that cannot be reached into a retryable UNAVAILABLE error naming it, and an
 * entity its owner no longer knows into NOT_FOUND at its reference.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly signer: InternalCredentialSigner;
  private readonly logger: Logger;

  constructor(
    private readonly subgraphName: string,
    url: string,
    options: SubgraphDataSourceOptions,
  ) {
    super({ url });
    this.signer = options.signer;
    this.logger = options.logger;
    // The fetcher Apollo set up (keep-alive, no retries), with a deadline on every fetch.
    const fetcher = this.fetcher;
    const timeoutMs = options.timeoutMs ?? SUBGRAPH_TIMEOUT_MS;
    this.fetcher = (target, init) =>
      fetcher(target, { ...init, signal: AbortSignal.timeout(timeoutMs) });
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
    this.logger.warn(
      {
        subgraph: this.subgraphName,
        status: response?.status,
        err: error,
        requestId: context?.identity?.requestId,
      },
      'subgraph unavailable',
    );
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
