import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.js';
import { HttpError, sendJson, serveOperationalRoutes, type ReadinessCheck } from './http.js';
import type { Metrics } from './metrics.js';

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting requests, finishes those in flight (up to `graceMs`), then closes. */
  stop(graceMs?: number): Promise<void>;
}

export interface HttpServiceOptions {
  /** For the log line: "<name> listening". */
  name: string;
  host: string;
  port: number;
  logger: Logger;
  metrics: Metrics;
  readiness: ReadinessCheck[];
  /** Answers what comes before routing (CORS preflights); true when it answered. */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Handles /graphql; throws HttpError to refuse at the HTTP level. */
  graphql: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Runs after the HTTP server has drained (stop Apollo Server here). */
  onStop: () => Promise<void>;
}

function sendError(res: ServerResponse, status: number, message: string, code: string) {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

/**
 * The HTTP side every Jobber server shares (gateway and subgraphs): /healthz, /readyz, /metrics,
 * /graphql, GraphQL-shaped errors for HTTP-level refusals, request metrics and a graceful stop.
 */
export async function startHttpService(options: HttpServiceOptions): Promise<RunningServer> {
  const { logger, metrics } = options;
  let shuttingDown = false;
  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      try {
        if (options.intercept?.(req, res)) return;
        const operational = {
          metrics,
          readiness: options.readiness,
          isShuttingDown: () => shuttingDown,
        };
        if (await serveOperationalRoutes(path, res, operational)) return;
        if (path !== '/graphql') throw new HttpError(404, 'Not found');
        await options.graphql(req, res);
      } catch (error) {
        if (error instanceof HttpError) {
          for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
          sendError(res, error.status, error.message, error.code);
        } else {
          logger.error({ err: error }, 'request failed');
          if (res.headersSent) res.end();
          else sendError(res, 500, 'Internal server error', 'INTERNAL_SERVER_ERROR');
        }
      } finally {
        metrics.httpRequests.inc({
          route: path === '/graphql' ? path : 'other',
          status: String(res.statusCode),
        });
      }
    })();
  });

  await listen(server, options.port, options.host);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${options.host}:${port}/graphql`;
  logger.info({ url }, `${options.name} listening`);
  return {
    url,
    port,
    async stop(graceMs = 10_000) {
      shuttingDown = true;
      await closeServer(server, graceMs);
      await options.onStop();
    },
  };
}

export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops accepting connections, lets requests in flight finish, and cuts what is left after `graceMs`. */
export async function closeServer(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  timer.unref();
  await closed;
  clearTimeout(timer);
}
