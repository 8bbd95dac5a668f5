// Stock @apollo/gateway 2.14 on @apollo/server (standalone) in front of Jobber's own subgraphs,
// as a user of stock Apollo would put it there: the supergraph file, each subgraph's URL, and the
// internal credential the subgraphs require added to every fetch in `willSendRequest` (signed
// per fetch: stock has no notion of one request's fetches to one subgraph; with the same
// node:crypto signer ours uses, so it is no slower than ours at that). Anonymous callers only:
// the marketplace pages the bench asks for are public. The baseline of bench:gateway-pages.
// Usage: PORT=… GATEWAY_INTERNAL_PRIVATE_KEY=… AUTH_URL=… (each subgraph) tsx stock-marketplace-gateway.ts;
// prints "ready" when it listens.
import { readFileSync } from 'node:fs';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { createInternalCredentialSigner, INTERNAL_CREDENTIAL_HEADER } from '@jobber/service-kit';
import { supergraphFile } from '@jobber/supergraph';
import { disableApolloTelemetry, stockMarketplaceConfig } from '../config.js';

// Before the gateway is constructed (or even loaded): no telemetry, nothing leaves 127.0.0.1.
disableApolloTelemetry();
const { ApolloGateway, RemoteGraphQLDataSource } = await import('@apollo/gateway');
const { ApolloServer } = await import('@apollo/server');
const { startStandaloneServer } = await import('@apollo/server/standalone');

const config = stockMarketplaceConfig();
const signer = createInternalCredentialSigner({ privateKeyPem: config.internalPrivateKeyPem });
const anonymous = {
  viewer: null,
  client: { ip: '127.0.0.1', userAgent: null, deviceId: null },
  requestId: '',
};

class CredentialDataSource extends RemoteGraphQLDataSource {
  constructor(
    private readonly subgraph: string,
    url: string,
  ) {
    super({ url });
  }

  override async willSendRequest({ request }: GraphQLDataSourceProcessOptions): Promise<void> {
    request.http?.headers.set(
      INTERNAL_CREDENTIAL_HEADER,
      await signer.sign(this.subgraph, anonymous),
    );
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(supergraphFile, 'utf8'),
  buildService: ({ name }) => new CredentialDataSource(name, config.subgraphUrls[name] ?? ''),
});
const server = new ApolloServer({ gateway, csrfPrevention: false, introspection: false });
await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: config.port } });
console.log('ready');
const stop = () => void server.stop().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
