import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { startAdminServer, type AdminAddress } from './admin-server.js';
import { HttpError, MAX_BODY_BYTES, readRawBody, sendJson } from './http.js';
import { baseUrl, closeServer, listen, trackSockets } from './listen.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { ReadinessCheck } from './readiness.js';

export interface StopReport {
  /** Connections still busy when the grace ran out, and cut. 0 is a clean stop. */
  connectionsCut: number;
}

export interface RunningServer {
  /** The public GraphQL endpoint: `http://<host>:<port>/graphql`. */
  url: string;
  port: number;
  /** The admin base URL (`http://127.0.0.1:<admin port>`): /healthz, /readyz, /metrics. */
  adminUrl: string;
  /**
   * Stops accepting connections, answers everything from then on with `Connection: close`,
   * closes idle keep-alive sockets, finishes requests in flight (cutting what is left after
   * `graceMs`), then runs the service's own stop.
   */
  stop(graceMs?: number): Promise<StopReport>;
}

/** A request to an extra route: the raw body (a webhook's signature is over these bytes). */
export interface RawRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RawResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/**
 * An extra HTTP route beside /graphql (payment webhooks): not behind the internal credential,
 * so the handler authenticates the sender itself (e.g. a webhook signature).
 */
export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** Bodies larger than this get 413 before the handler runs; default 1 MB. */
  maxBodyBytes?: number;
  handle: (request: RawRequest) => Promise<RawResponse>;
}

export interface HttpServiceOptions {
  /** For the log line: "<name> listening". */
  name: string;
  host: string;
  port: number;
  admin: AdminAddress;
  logger: Logger;
  metrics: Metrics;
  readiness: readonly ReadinessCheck[];
  /** Answers what comes before routing (CORS preflights); true when it answered. */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Handles /graphql; throws HttpError to refuse at the HTTP level. */
  graphql: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  routes?: readonly HttpRoute[];
  /** Takes a WebSocket upgrade of /graphql (graphql-ws); other upgrades are refused. */
  upgrade?: (req: IncomingMessage, socket: Socket, head: Buffer) => void;
  /** Runs as the stop begins (close WebSockets: they are not drained like HTTP requests). */
  onStopping?: () => Promise<void>;
  /** Runs after the HTTP server has drained (stop Apollo Server here). */
  onStop: () => Promise<void>;
}

function sendError(res: ServerResponse, status: number, message: string, code: string) {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

async function serveRoute(route: HttpRoute, req: IncomingMessage, res: ServerResponse, url: URL) {
  const body = await readRawBody(req, route.maxBodyBytes ?? MAX_BODY_BYTES);
  const answer = await route.handle({
    method: route.method,
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body,
  });
  const payload = answer.body ?? '';
  res.writeHead(answer.status, {
    ...answer.headers,
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/**
 * The HTTP side every Jobber server shares (gateway and subgraphs): /graphql, extra routes,
 * GraphQL-shaped errors for HTTP-level refusals, request metrics, a graceful stop, and the
 * admin port (/healthz, /readyz, /metrics) beside it. The public port answers 404 to those.
 */
export async function startHttpService(options: HttpServiceOptions): Promise<RunningServer> {
  const { logger, metrics } = options;
  const routes = options.routes ?? [];
  let shuttingDown = false;
  const inFlight = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    inFlight.add(res);
    // From the stop on, every answer tells a keep-alive client to go elsewhere.
    if (shuttingDown) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight.delete(res);
      // A socket whose answer went out before the stop began is idle now: close it.
      if (shuttingDown) setImmediate(() => server.closeIdleConnections());
    });
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const path = url.pathname;
      let route = 'other';
      try {
        if (options.intercept?.(req, res)) return;
        if (path === '/graphql') {
          route = path;
          await options.graphql(req, res);
          return;
        }
        const matches = routes.filter((candidate) => candidate.path === path);
        const match = matches.find((candidate) => candidate.method === req.method);
        if (match) {
          route = path;
          await serveRoute(match, req, res, url);
          return;
        }
        if (matches.length) {
          throw new HttpError(405, 'Method not allowed', 'BAD_REQUEST', {
            allow: matches.map((candidate) => candidate.method).join(', '),
          });
        }
        throw new HttpError(404, 'Not found');
      } catch (error) {
        if (error instanceof HttpError && !res.headersSent) {
          for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
          sendError(res, error.status, error.message, error.code);
        } else {
          logger.error({ err: error }, 'request failed');
          if (res.headersSent) res.end();
          else sendError(res, 500, 'Internal server error', 'INTERNAL_SERVER_ERROR');
        }
      } finally {
        metrics.httpRequests.inc({ route, status: String(res.statusCode) });
      }
    })();
  });
  const sockets = trackSockets(server);
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/graphql' && options.upgrade && !shuttingDown) {
      options.upgrade(req, socket, head);
      return;
    }
    socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });

  await listen(server, options.port, options.host);
  const port = (server.address() as AddressInfo).port;
  const url = `${baseUrl(options.host, port)}/graphql`;
  let admin;
  try {
    admin = await startAdminServer({
      name: options.name,
      address: options.admin,
      logger,
      metrics,
      readiness: options.readiness,
      isShuttingDown: () => shuttingDown,
    });
  } catch (error) {
    await closeServer(server, 0, sockets);
    throw error;
  }
  logger.info({ url }, `${options.name} listening`);

  let stopping: Promise<StopReport> | undefined;
  return {
    url,
    port,
    adminUrl: admin.url,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        shuttingDown = true;
        for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
        await options.onStopping?.();
        const connectionsCut = await closeServer(server, graceMs, sockets);
        if (connectionsCut) logger.warn({ connectionsCut }, 'grace ran out: connections cut');
        await options.onStop();
        await admin.stop();
        return { connectionsCut };
      })();
      return stopping;
    },
  };
}
