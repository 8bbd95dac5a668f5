import net from 'node:net';

/**
 * A TCP forwarder on 127.0.0.1:<random port> to a local service (the broker) that can be cut on
 * demand: `cut()` destroys every open connection and refuses new ones until `restore()`. A
 * broker outage in a test without touching the broker others use.
 */
export class TcpProxy {
  /** Connections accepted and forwarded so far. */
  accepted = 0;
  /** Connections destroyed by cuts. */
  cutCount = 0;
  private refusing = false;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
    const proxy = new TcpProxy(server, address.port);
    server.on('connection', (client) => proxy.forward(client, targetHost, targetPort));
    return proxy;
  }

  /** `url` (an amqp:// URL to the target) rewritten to go through this proxy. */
  urlThrough(url: string): string {
    const through = new URL(url);
    through.host = `127.0.0.1:${this.port}`;
    return through.toString();
  }

  /** Destroys every open connection and refuses new ones until `restore()`. */
  cut(): void {
    this.refusing = true;
    for (const socket of this.sockets) {
      socket.destroy();
      this.cutCount += 1;
    }
    this.sockets.clear();
  }

  /** Accepts connections again. */
  restore(): void {
    this.refusing = false;
  }

  /** `cut()`, then `restore()` after `downMs`: an outage of a fixed length. */
  async outage(downMs: number): Promise<void> {
    this.cut();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    this.restore();
  }

  async close(): Promise<void> {
    this.refusing = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: net.Socket, host: string, port: number): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    this.accepted += 1;
    const upstream = net.connect({ host, port });
    this.sockets.add(client);
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
    };
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
