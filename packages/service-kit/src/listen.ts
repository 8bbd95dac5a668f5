import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** `http://host:port` with IPv6 hosts bracketed. */
export function baseUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
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

/** Every socket the server holds, so a stop can tell how many it had to cut. */
export function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

/**
 * Stops accepting connections, closes idle keep-alive sockets, lets requests in flight finish,
 * and cuts what is left after `graceMs`. Resolves to the number of connections it had to cut.
 */
export async function closeServer(
  server: Server,
  graceMs: number,
  sockets: Set<Socket> = new Set(),
): Promise<number> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let cut = 0;
  const timer = setTimeout(() => {
    cut = sockets.size;
    server.closeAllConnections();
    // Upgraded sockets (WebSockets) are no longer the HTTP server's to close.
    for (const socket of sockets) socket.destroy();
  }, graceMs);
  timer.unref();
  await closed;
  clearTimeout(timer);
  return cut;
}
