import type { ApolloGateway } from '@apollo/gateway';
import type { ReadinessCheck } from '@jobber/service-kit';
import type { SubgraphName } from '@jobber/supergraph';
import type { GatewayConfig } from './config.js';

const PROBE_TIMEOUT_MS = 2_000;

/**
 * Where the gateway probes a subgraph's liveness: the one place to change when subgraphs serve
 * /healthz elsewhere (their admin port).
 */
export function subgraphHealthUrl(config: GatewayConfig, name: SubgraphName): string {
  return config.subgraphUrls[name].replace(/\/graphql$/, '/healthz');
}

/**
 * The gateway is ready once its supergraph is loaded: with a subgraph down it still serves
 * everything the others answer (and UNAVAILABLE for the rest). Each subgraph's liveness is
 * reported beside it (`users: "down: ECONNREFUSED"`), for operators, without gating readiness.
 */
export function gatewayReadiness(config: GatewayConfig, gateway: ApolloGateway): ReadinessCheck[] {
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
      required: false,
      check: () => probe(subgraphHealthUrl(config, name)),
    })),
  ];
}

async function probe(url: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  } catch (error) {
    throw new Error(`down: ${reason(error)}`, { cause: error });
  }
  await response.body?.cancel();
  if (!response.ok) throw new Error(`down: /healthz answered ${response.status}`);
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
