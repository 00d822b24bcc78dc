import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback that can turn every connection open at that moment half-open: still
 * established for both ends, but whatever either end sends is dropped from then on, as after a NAT
 * or load balancer silently forgets a flow. Connections opened afterwards work normally.
 */
export class TcpProxy {
  private readonly server: Server;
  private readonly open = new Set<{ client: Socket; upstream: Socket; dead: boolean }>();

  private constructor(
    server: Server,
    readonly port: number,
  ) {
    this.server = server;
  }

  static async start(port: number, target: { host: string; port: number }): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => {
      const upstream = createConnection(target);
      const pair = { client, upstream, dead: false };
      proxy!.open.add(pair);
      // Dropped, not buffered: a half-open flow never delivers again.
      client.on('data', (chunk) => void (pair.dead || upstream.write(chunk)));
      upstream.on('data', (chunk) => void (pair.dead || client.write(chunk)));
      const close = () => {
        proxy!.open.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    proxy = new TcpProxy(server, port);
    return proxy;
  }

  /** Makes every connection open now half-open; returns how many there were. */
  halfOpenAll(): number {
    for (const pair of this.open) pair.dead = true;
    return this.open.size;
  }

  async stop(): Promise<void> {
    for (const { client, upstream } of this.open) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
