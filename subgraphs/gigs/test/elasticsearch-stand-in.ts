import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the adapter sent: its body parsed (JSON, or NDJSON lines for `_bulk`). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The raw text, to check what went over the wire byte for byte. */
  raw: string;
  body: unknown;
}

export interface CannedResponse {
  status?: number;
  body?: unknown;
}

export type Responder = (request: RecordedRequest) => CannedResponse | undefined;

/**
 * A local HTTP stand-in for Elasticsearch (127.0.0.1, an ephemeral port): it records every
 * request and answers from `responders` (first that answers wins) or with a bare 200. It is no
 * search engine: the DSL it receives is what the tests check.
 */
export interface EsStandIn {
  url: string;
  requests: RecordedRequest[];
  /** Requests whose path (without query) ends with `suffix`, e.g. `/_search`. */
  sent(method: string, suffix: string): RecordedRequest[];
  answer(responder: Responder): void;
  /** Forgets the recorded requests and the canned answers (between tests). */
  reset(): void;
  close(): Promise<void>;
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if (contentType?.includes('ndjson')) {
    return raw
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as unknown);
  }
  return JSON.parse(raw) as unknown;
}

async function readAll(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startEsStandIn(): Promise<EsStandIn> {
  const requests: RecordedRequest[] = [];
  const responders: Responder[] = [];
  const server: Server = createServer((request, response) => {
    void readAll(request).then((raw) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        raw,
        body: parseBody(raw, request.headers['content-type']),
      };
      requests.push(recorded);
      const canned = responders.map((respond) => respond(recorded)).find(Boolean) ?? {};
      response.writeHead(canned.status ?? 200, {
        'content-type': 'application/json',
        // The client refuses a server that does not say it is Elasticsearch.
        'x-elastic-product': 'Elasticsearch',
      });
      response.end(recorded.method === 'HEAD' ? undefined : JSON.stringify(canned.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sent: (method, suffix) =>
      requests.filter((request) => request.method === method && request.path.endsWith(suffix)),
    answer: (responder) => {
      responders.unshift(responder);
    },
    reset: () => {
      requests.length = 0;
      responders.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
