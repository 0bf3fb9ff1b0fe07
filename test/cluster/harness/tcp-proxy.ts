import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * How the proxy treats connections: `pass` forwards bytes, `reset` closes every new connection
 * at once (a server that is down), `blackhole` accepts and never forwards (a hung network).
 */
export type ProxyMode = 'pass' | 'reset' | 'blackhole';

/**
 * A TCP proxy on 127.0.0.1 in front of one target (MySQL in the fault tests), so a test can cut
 * a process's connections to it without touching the target.
 */
export class TcpProxy {
  mode: ProxyMode = 'pass';
  /** Connections accepted, and connections cut by {@link cut} or by a non-pass mode. */
  accepted = 0;
  cutCount = 0;
  readonly #server: Server;
  readonly #open = new Set<Socket>();
  #port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.#server = createServer((client) => this.#accept(client));
  }

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = proxy.#server.address();
    proxy.#port = typeof address === 'object' && address ? address.port : 0;
    return proxy;
  }

  get port(): number {
    return this.#port;
  }

  #accept(client: Socket): void {
    this.accepted++;
    this.#open.add(client);
    client.once('close', () => this.#open.delete(client));
    client.on('error', () => client.destroy());
    if (this.mode === 'reset') {
      this.cutCount++;
      client.destroy();
      return;
    }
    if (this.mode === 'blackhole') return;
    const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
    this.#open.add(upstream);
    upstream.once('close', () => {
      this.#open.delete(upstream);
      client.destroy();
    });
    client.once('close', () => upstream.destroy());
    upstream.on('error', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Destroys every open connection (both sides), as a network failure would. */
  cut(): void {
    for (const socket of this.#open) {
      this.cutCount++;
      socket.destroy();
    }
    this.#open.clear();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
