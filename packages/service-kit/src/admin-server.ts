import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { baseUrl, closeServer, listen } from './listen.js';
import type { Logger } from './logger.js';
import { sendJson } from './http.js';
import type { Metrics } from './metrics.js';
import { createReadiness, type ReadinessCheck } from './readiness.js';

export interface AdminAddress {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
}

export interface RunningAdminServer {
  /** `http://<host>:<port>`: /healthz, /readyz and /metrics live under it. */
  url: string;
  stop(): Promise<void>;
}

/**
 * The operational routes on their own port, bound to 127.0.0.1 unless configured: /healthz
 * (alive), /readyz (can serve; 503 while shutting down or when a critical check fails) and
 * /metrics (Prometheus). The public port never serves them.
 */
export async function startAdminServer(options: {
  name: string;
  address: AdminAddress;
  logger: Logger;
  metrics: Metrics;
  readiness: readonly ReadinessCheck[];
  isShuttingDown: () => boolean;
}): Promise<RunningAdminServer> {
  const { metrics } = options;
  const readiness = createReadiness(options.readiness, metrics);
  const server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      try {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          sendJson(res, 405, { status: 'method not allowed' });
        } else if (path === '/healthz') {
          sendJson(res, 200, { status: 'ok' });
        } else if (path === '/readyz') {
          if (options.isShuttingDown()) {
            sendJson(res, 503, { status: 'shutting down' });
          } else {
            const report = await readiness();
            sendJson(res, report.status === 'unavailable' ? 503 : 200, report);
          }
        } else if (path === '/metrics') {
          // Scrapes see the dependencies as of now, not as of the last /readyz.
          await readiness();
          const text = await metrics.registry.metrics();
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        } else {
          sendJson(res, 404, { status: 'not found' });
        }
      } catch (error) {
        options.logger.error({ err: error }, 'admin request failed');
        if (!res.headersSent) sendJson(res, 500, { status: 'error' });
        else res.end();
      }
    })();
  });
  await listen(server, options.address.port, options.address.host);
  const port = (server.address() as AddressInfo).port;
  const url = baseUrl(options.address.host, port);
  options.logger.info({ url }, `${options.name} admin listening`);
  return { url, stop: () => closeServer(server, 1_000).then(() => undefined) };
}
