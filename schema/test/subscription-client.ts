import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** A result a subscriber got, or how its subscription ended. */
export interface Received {
  results: {
    data?: unknown;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  }[];
  /** Resolves when the subscription completes or fails (with the error, a close event's code). */
  ended: Promise<{ completed: true } | { error: unknown; code?: number }>;
}

/** A graphql-ws client of the gateway, as an app would open it (no retries: tests see closes). */
export function gatewaySocket(
  gatewayUrl: string,
  token?: string,
): Client & { closeCode: () => number | undefined } {
  let closeCode: number | undefined;
  const client = createClient({
    url: gatewayUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
    on: {
      closed: (event) => {
        closeCode = (event as { code?: number }).code;
      },
    },
  });
  return Object.assign(client, { closeCode: () => closeCode });
}

export function subscribeTo(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Received & { stop: () => void } {
  const results: Received['results'] = [];
  let stop = () => {};
  const ended = new Promise<Awaited<Received['ended']>>((resolve) => {
    stop = client.subscribe(
      { query, variables },
      {
        next: (result) => void results.push(result as Received['results'][number]),
        error: (error) =>
          resolve({
            error,
            ...(typeof (error as { code?: unknown }).code === 'number'
              ? { code: (error as { code: number }).code }
              : {}),
          }),
        complete: () => resolve({ completed: true }),
      },
    );
  });
  return { results, ended, stop: () => stop() };
}
