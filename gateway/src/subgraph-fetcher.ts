import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Pool, fetch as undiciFetch } from 'undici';

type Fetcher = RemoteGraphQLDataSource['fetcher'];

export interface SubgraphFetchSettings {
  /** Per fetch, waiting for a pool connection included; longer fails as UNAVAILABLE. */
  timeoutMs: number;
  /** Connections to one subgraph at most; further fetches wait in the pool's queue. */
  connections: number;
  /** How long an idle connection is kept open for the next fetch. */
  keepAliveMs: number;
}

export const defaultSubgraphFetchSettings: SubgraphFetchSettings = {
  timeoutMs: 10_000,
  connections: 64,
  keepAliveMs: 4_000,
};

export interface SubgraphFetcher {
  fetcher: Fetcher;
  /** Closes the pool's connections (the gateway's stop). */
  close(): Promise<void>;
}

/**
 * One keep-alive connection pool per subgraph, bounded: an alias storm queues its fetches
 * instead of opening a socket per fetch (which the subgraph then resets). Every fetch has a
 * deadline covering its wait for a connection.
 */
export function createSubgraphFetcher(
  url: string,
  settings: SubgraphFetchSettings,
): SubgraphFetcher {
  const pool = new Pool(new URL(url).origin, {
    connections: settings.connections,
    keepAliveTimeout: settings.keepAliveMs,
    pipelining: 1,
  });
  const fetcher: Fetcher = async (target, init) => {
    const response = await undiciFetch(target, {
      method: init?.method ?? 'GET',
      headers: init?.headers ?? {},
      body: init?.body ?? null,
      signal: AbortSignal.timeout(settings.timeoutMs),
      dispatcher: pool,
    });
    return response;
  };
  return { fetcher, close: () => pool.close() };
}
