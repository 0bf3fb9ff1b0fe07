import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of MySQL that can cut connections the moment a client sends
 * a statement containing a marker (before forwarding it), which is "mid-transaction" with
 * precision: everything before the marker reached the server, nothing after it did.
 */
export class CutProxy {
  private readonly server: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  private marker: Buffer | undefined;
  private rewrites: Array<[Buffer, Buffer]> = [];
  private remainingCuts = 0;
  /** How many connections were cut on a marker. */
  cuts = 0;

  private constructor(
    server: Server,
    readonly port: number,
  ) {
    this.server = server;
  }

  static async start(targetHost: string, targetPort: number): Promise<CutProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const proxy = new CutProxy(server, address.port);
    server.on('connection', (client) => proxy.accept(client, targetHost, targetPort));
    return proxy;
  }

  private accept(client: Socket, host: string, port: number): void {
    const upstream = createConnection({ host, port });
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('data', (chunk: Buffer) => {
      if (this.marker !== undefined && this.remainingCuts > 0 && chunk.includes(this.marker)) {
        this.remainingCuts--;
        this.cuts++;
        close();
        return;
      }
      upstream.write(this.applyRewrites(chunk));
    });
  }

  /** Cuts the connection that next sends `marker`, `times` times (then forwards normally). */
  cutOn(marker: string, times = 1): void {
    this.marker = Buffer.from(marker, 'utf8');
    this.remainingCuts = times;
  }

  /**
   * Replaces `from` with `to` in every client packet (same byte length, so MySQL's packet header
   * stays right): lets a test make the server appear to answer differently without changing it.
   */
  rewrite(from: string, to: string): void {
    const a = Buffer.from(from, 'utf8');
    const b = Buffer.from(to, 'utf8');
    if (a.length !== b.length) throw new Error('rewrite must keep the byte length');
    this.rewrites.push([a, b]);
  }

  private applyRewrites(chunk: Buffer): Buffer {
    for (const [from, to] of this.rewrites) {
      let at = chunk.indexOf(from);
      while (at >= 0) {
        to.copy(chunk, at);
        at = chunk.indexOf(from, at + to.length);
      }
    }
    return chunk;
  }

  /** Stops cutting. */
  disarm(): void {
    this.marker = undefined;
    this.remainingCuts = 0;
  }

  /** Cuts every open connection now. */
  cutAll(): void {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
