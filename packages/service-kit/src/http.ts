import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Metrics } from './metrics.js';

export const MAX_BODY_BYTES = 1_000_000;

/** An HTTP-level refusal (before GraphQL runs): answered with this status and a GraphQL-shaped body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string = status === 401
      ? 'UNAUTHENTICATED'
      : status === 404
        ? 'NOT_FOUND'
        : 'BAD_REQUEST',
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'Request body too large');
    chunks.push(buffer);
  }
  if (size === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  if (!(req.headers['content-type'] ?? '').includes('application/json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'Malformed JSON body');
  }
}

/** Runs one HTTP request through Apollo Server (its framework-neutral API) on a plain Node server. */
export async function executeGraphQLOverHttp<C extends BaseContext>(
  server: ApolloServer<C>,
  req: IncomingMessage,
  res: ServerResponse,
  context: () => Promise<C>,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const body = await readBody(req);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: {
      method: (req.method ?? 'GET').toUpperCase(),
      headers,
      search: url.search,
      body,
    },
    context,
  });
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

export interface ReadinessCheck {
  name: string;
  /** Throws when not ready; its message is the check's status in /readyz. */
  check: () => Promise<void>;
  /** false: reported in /readyz's checks, but not needed to be ready (default true). */
  required?: boolean;
}

/** Answers /healthz, /readyz and /metrics; returns false for any other path. */
export async function serveOperationalRoutes(
  path: string,
  res: ServerResponse,
  options: { metrics: Metrics; readiness: ReadinessCheck[]; isShuttingDown: () => boolean },
): Promise<boolean> {
  if (path === '/healthz') {
    sendJson(res, 200, { status: 'ok' });
    return true;
  }
  if (path === '/readyz') {
    if (options.isShuttingDown()) {
      sendJson(res, 503, { status: 'shutting down' });
      return true;
    }
    const results = await Promise.all(
      options.readiness.map(async ({ name, check, required = true }) => {
        try {
          await check();
          return { name, required, status: 'ok' };
        } catch (error) {
          return { name, required, status: error instanceof Error ? error.message : 'failed' };
        }
      }),
    );
    const ready = results.every(({ required, status }) => !required || status === 'ok');
    sendJson(res, ready ? 200 : 503, {
      status: ready ? 'ok' : 'unavailable',
      checks: Object.fromEntries(results.map(({ name, status }) => [name, status])),
    });
    return true;
  }
  if (path === '/metrics') {
    const text = await options.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': options.metrics.registry.contentType });
    res.end(text);
    return true;
  }
  return false;
}
