import { RemoteGraphQLDataSource } from '@apollo/gateway';
import {
  INTERNAL_CREDENTIAL_HEADER,
  type InternalCredentialSigner,
  type RequestIdentity,
} from '@jobber/service-kit';

export interface GatewayContext {
  identity: RequestIdentity;
}

/** Sends each subgraph request with a credential signed for that subgraph, carrying the viewer. */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraphName: string,
    url: string,
    private readonly signer: InternalCredentialSigner,
  ) {
    super({ url });
  }

  override async willSendRequest({
    request,
    context,
  }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]) {
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
}
