import net from 'node:net';

/**
 * A TCP forwarder on 127.0.0.1 to a local service that can be cut on demand: `cut()` destroys
 * every connection and refuses new ones until `restore()`. A broker outage without touching
 * the broker others use.
 */
export class CuttableProxy {
  private down = false;
  private readonly open = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async to(targetPort: number): Promise<CuttableProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('the proxy has no port');
    const proxy = new CuttableProxy(server, address.port);
    server.on('connection', (socket) => proxy.accept(socket, targetPort));
    return proxy;
  }

  cut(): void {
    this.down = true;
    for (const socket of this.open) socket.destroy();
    this.open.clear();
  }

  restore(): void {
    this.down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, targetPort: number): void {
    if (this.down) {
      client.destroy();
      return;
    }
    const target = net.connect({ host: '127.0.0.1', port: targetPort });
    for (const socket of [client, target]) {
      this.open.add(socket);
      socket.on('error', () => {});
      socket.once('close', () => {
        this.open.delete(socket);
        client.destroy();
        target.destroy();
      });
    }
    client.pipe(target);
    target.pipe(client);
  }
}
