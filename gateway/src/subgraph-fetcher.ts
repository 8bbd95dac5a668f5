import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Pool, type Dispatcher } from 'undici';

export type Fetcher = RemoteGraphQLDataSource['fetcher'];

/** Statuses a Response may not have a body with. */
const bodiless = new Set([101, 204, 205, 304]);

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

/** A subgraph's answer as the gateway's own executor reads it (no Response object). */
export interface RawAnswer {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** POSTs a body to the subgraph's pool, with the same deadline as `fetcher`. */
export type RawPost = (
  path: string,
  headers: Record<string, string>,
  body: string,
) => Promise<RawAnswer>;

export interface SubgraphFetcher {
  fetcher: Fetcher;
  /** The same pool without the Fetch API objects (src/executor/). */
  post: RawPost;
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
  // undici's `request`, not its `fetch`: fetch refuses the spec's "bad ports" (a subgraph may
  // listen anywhere) and does more work per call. `fetcher`'s answer is a standard Response for Apollo.
  /** One request on the pool and its body as text, within the fetch's deadline (and `signal`). */
  const request = async (
    options: Omit<Dispatcher.RequestOptions, 'origin' | 'signal'>,
    signal: AbortSignal | undefined = undefined,
  ): Promise<{ answer: Dispatcher.ResponseData; text: string }> => {
    const timeout = deadline(settings.timeoutMs);
    try {
      const answer = await pool.request({
        ...options,
        signal: signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal,
      });
      return { answer, text: await answer.body.text() };
    } finally {
      timeout.done();
    }
  };
  const fetcher: Fetcher = async (target, init) => {
    const url = new URL(target);
    const { answer, text } = await request(
      {
        path: url.pathname + url.search,
        method: (init?.method ?? 'GET') as Dispatcher.HttpMethod,
        headers: init?.headers ?? {},
        body: init?.body ?? null,
      },
      init?.signal instanceof AbortSignal ? init.signal : undefined,
    );
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value])
        headers.append(name, item);
    }
    return new Response(bodiless.has(answer.statusCode) ? null : text, {
      status: answer.statusCode,
      headers,
    });
  };
  const post: RawPost = async (path, headers, body) => {
    const { answer, text } = await request({ path, method: 'POST', headers, body });
    const type = answer.headers['content-type'];
    return {
      status: answer.statusCode,
      contentType: Array.isArray(type) ? type[0] : type,
      body: text,
    };
  };
  return { fetcher, post, close: () => pool.close() };
}

/**
 * A signal that aborts with a `TimeoutError` after `ms`, unless the fetch is `done` first.
 * `AbortSignal.timeout` cannot be cancelled: its timer fires, and builds its DOMException, for
 * every fetch ever made, 10 s later (a few per cent of the gateway's CPU on a small page).
 */
function deadline(ms: number): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () =>
      controller.abort(
        new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      ),
    ms,
  );
  timer.unref();
  return { signal: controller.signal, done: () => clearTimeout(timer) };
}
