import type { ApolloGateway } from '@apollo/gateway';
import {
  INTERNAL_CREDENTIAL_HEADER,
  anonymousClient,
  type InternalCredentialSigner,
  type ReadinessCheck,
} from '@jobber/service-kit';
import type { SubgraphName } from '@jobber/supergraph';
import type { GatewayConfig } from './config.js';

const PROBE_TIMEOUT_MS = 2_000;

/**
 * The gateway is ready once its supergraph is loaded: with a subgraph down it still serves
 * everything the others answer (and UNAVAILABLE for the rest). Each subgraph's liveness is
 * reported beside it (`users: "down: ECONNREFUSED"`), for operators, without gating readiness.
 */
export function gatewayReadiness(
  config: GatewayConfig,
  gateway: ApolloGateway,
  signer: InternalCredentialSigner,
): ReadinessCheck[] {
  let supergraphLoaded = false;
  gateway.onSchemaLoadOrUpdate(() => {
    supergraphLoaded = true;
  });
  const subgraphs = Object.keys(config.subgraphUrls) as SubgraphName[];
  return [
    {
      name: 'supergraph',
      check: async () => {
        if (!supergraphLoaded) throw new Error('not loaded');
      },
    },
    ...subgraphs.map((name) => ({
      name,
      critical: false,
      check: () => probe(config.subgraphUrls[name], name, signer),
    })),
  ];
}

/**
 * A trivial operation on the subgraph's public endpoint with this gateway's credential: its admin
 * port is private to its host, and this also catches a key mismatch.
 */
async function probe(url: string, name: string, signer: InternalCredentialSigner): Promise<void> {
  const identity = { viewer: null, client: anonymousClient, requestId: '' };
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [INTERNAL_CREDENTIAL_HEADER]: await signer.sign(name, identity),
      },
      body: JSON.stringify({ query: '{ __typename }' }),
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
  } catch (error) {
    throw new Error(`down: ${reason(error)}`, { cause: error });
  }
  await response.body?.cancel();
  if (!response.ok) throw new Error(`down: answered ${response.status}`);
}

/** The most telling part of a fetch failure: `ECONNREFUSED` rather than undici's "fetch failed". */
function reason(error: unknown): string {
  if (!(error instanceof Error)) return 'failed';
  if (error.name === 'TimeoutError') return `no answer within ${PROBE_TIMEOUT_MS / 1000} s`;
  const cause: unknown = error.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? code : cause.message;
  }
  return error.message;
}
