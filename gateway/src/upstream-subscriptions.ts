import { createClient, type Client } from 'graphql-ws';
import type { GraphQLFormattedError } from 'graphql';
import WebSocket from 'ws';
import {
  INTERNAL_CREDENTIAL_HEADER,
  type InternalCredentialSigner,
  type Logger,
  type RequestIdentity,
  maskError,
} from '@jobber/service-kit';
import { subgraphUnavailable } from './subgraph-unavailable.js';

/** One event of a subgraph's stream, as the subgraph sent it. */
export interface UpstreamEvent {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}

export interface UpstreamListener {
  next(event: UpstreamEvent): void;
  /** The stream ended with these errors (the subgraph's, or UNAVAILABLE naming it). */
  fail(errors: readonly GraphQLFormattedError[]): void;
  complete(): void;
}

export interface UpstreamSettings {
  /** Reconnection attempts before the subgraph is taken for gone (its streams then fail). */
  retries: number;
  /** First back-off step; doubled per attempt, with jitter, at most 10 s. */
  retryBaseMs: number;
  /** A connection with no subscription left is closed after this long. */
  idleMs: number;
  /** Lifetime of a connection credential: new subscriptions move to a fresh connection before. */
  credentialSeconds: number;
}

interface SharedStream {
  listeners: Set<UpstreamListener>;
  unsubscribe: () => void;
}

const anonymous: RequestIdentity = {
  viewer: null,
  client: { ip: null, userAgent: null, deviceId: null },
  requestId: '',
};

/**
 * The gateway's graphql-ws connections to the subgraphs: one per subgraph per process, opened
 * on the first subscription and closed `idleMs` after the last, authenticated with a
 * connection credential (a fresh one at every (re)connect: the subgraph closes the socket with
 * 4401 at its expiry and the client reconnects and resubscribes). Identical operations with
 * the same variables for the same viewer share one upstream subscription, reference-counted.
 * docs/2026-12-02-gateway-subscriptions.md.
 */
export class UpstreamSubscriptions {
  /** The connection new subscriptions of each subgraph go to, and when it was made. */
  private readonly clients = new Map<string, { client: Client; madeAt: number }>();
  /** Every connection made (older ones keep serving their streams until those end). */
  private readonly made = new Set<Client>();
  private readonly streams = new Map<string, SharedStream>();

  constructor(
    private readonly options: {
      urlOf: (subgraph: string) => string | undefined;
      /** Signs with the socket lifetime (connection and operation credentials). */
      signer: InternalCredentialSigner;
      settings: UpstreamSettings;
      logger: Logger;
    },
  ) {}

  /** Upstream subscriptions open now (shared ones counted once). */
  get size(): number {
    return this.streams.size;
  }

  /** Joins (or opens) the stream of `operation`; returns how to leave it. */
  join(
    subgraph: string,
    operation: { query: string; operationName?: string; variables: Record<string, unknown> },
    identity: RequestIdentity,
    listener: UpstreamListener,
  ): () => void {
    const scope = identity.viewer?.id ?? 'anonymous';
    const key = JSON.stringify([subgraph, scope, operation.query, operation.variables]);
    let stream = this.streams.get(key);
    if (!stream) {
      const opened: SharedStream = { listeners: new Set(), unsubscribe: () => {} };
      stream = opened;
      this.streams.set(key, opened);
      const end = (each: (listener: UpstreamListener) => void) => {
        if (this.streams.get(key) === opened) this.streams.delete(key);
        for (const one of [...opened.listeners]) each(one);
        opened.listeners.clear();
      };
      void this.options.signer.sign(subgraph, identity).then(
        (credential) => {
          if (this.streams.get(key) !== opened) return; // everyone left while signing
          opened.unsubscribe = this.client(subgraph).subscribe(
            {
              query: operation.query,
              variables: operation.variables,
              ...(operation.operationName ? { operationName: operation.operationName } : {}),
              extensions: { [INTERNAL_CREDENTIAL_HEADER]: credential },
            },
            {
              next: (event) => {
                for (const one of opened.listeners) one.next(event as UpstreamEvent);
              },
              error: (error) => {
                const errors = Array.isArray(error)
                  ? (error as GraphQLFormattedError[])
                  : [unavailable(subgraph)];
                if (!Array.isArray(error))
                  this.options.logger.warn({ subgraph }, 'subscription: subgraph gone');
                end((one) => one.fail(errors));
              },
              complete: () => end((one) => one.complete()),
            },
          );
        },
        (error: unknown) => {
          this.options.logger.error({ err: error, subgraph }, 'subscription: signing failed');
          end((one) => one.fail([unavailable(subgraph)]));
        },
      );
    }
    const joined = stream;
    joined.listeners.add(listener);
    return () => {
      if (!joined.listeners.delete(listener) || joined.listeners.size > 0) return;
      if (this.streams.get(key) === joined) this.streams.delete(key);
      joined.unsubscribe();
    };
  }

  async close(): Promise<void> {
    for (const stream of this.streams.values()) stream.unsubscribe();
    this.streams.clear();
    await Promise.all([...this.made].map((client) => client.dispose()));
    this.made.clear();
    this.clients.clear();
  }

  private client(subgraph: string): Client {
    const existing = this.clients.get(subgraph);
    // Before its credential can expire (any socket of it is younger than the client), new
    // subscriptions go to a fresh connection; the old one closes when its streams have ended.
    const freshFor = this.options.settings.credentialSeconds * 800;
    if (existing && Date.now() - existing.madeAt < freshFor) return existing.client;
    const url = this.options.urlOf(subgraph);
    if (!url) throw new Error(`no URL for subgraph ${subgraph}`);
    const { settings, signer, logger } = this.options;
    const client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: true,
      lazyCloseTimeout: settings.idleMs,
      retryAttempts: settings.retries,
      // 4403 is configuration (wrong key or audience): retrying cannot help. Everything else
      // (4401 at the credential's expiry, 1001 on a subgraph's restart, a refused connection) can.
      shouldRetry: (event) => !(isCloseEvent(event) && event.code === 4403),
      retryWait: (attempt) =>
        new Promise((resolve) =>
          setTimeout(
            resolve,
            Math.min(10_000, settings.retryBaseMs * 2 ** attempt) * (0.5 + Math.random() / 2),
          ),
        ),
      connectionParams: async () => ({
        [INTERNAL_CREDENTIAL_HEADER]: await signer.sign(subgraph, anonymous),
      }),
      on: {
        closed: (event) => {
          // A replaced connection closed for being idle (1000) has served its last stream.
          if (
            isCloseEvent(event) &&
            event.code === 1000 &&
            this.clients.get(subgraph)?.client !== client
          ) {
            this.made.delete(client);
            void client.dispose();
          }
          if (isCloseEvent(event) && event.code !== 1000)
            logger.info({ subgraph, code: event.code }, 'subscription: upstream socket closed');
        },
      },
    });
    this.clients.set(subgraph, { client, madeAt: Date.now() });
    this.made.add(client);
    return client;
  }
}

/** UNAVAILABLE naming the subgraph, as a client reads it. */
export function unavailable(subgraph: string): GraphQLFormattedError {
  const error = subgraphUnavailable(subgraph);
  return maskError({ message: error.message }, error);
}

function isCloseEvent(event: unknown): event is { code: number } {
  return (
    typeof event === 'object' &&
    event !== null &&
    typeof (event as { code?: unknown }).code === 'number'
  );
}
