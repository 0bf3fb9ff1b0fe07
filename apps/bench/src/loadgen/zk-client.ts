import { connect, type Socket } from 'node:net';
import { BenchError } from '../errors.js';

/**
 * The smallest ZooKeeper client the put benchmark needs (connect, create, setData, ping, close),
 * written from the jute wire format so the bench has no dependency: 4-byte big-endian frame
 * lengths; requests `xid:int type:int body`, replies `xid:int zxid:long err:int body`.
 * Requests are pipelined on one session; the server answers them in order.
 */
const OP_CREATE = 1;
const OP_SET_DATA = 5;
const OP_PING = 11;
const OP_CLOSE = -11;
const XID_PING = -2;
const XID_WATCH = -1;
/** ZooKeeper's NODEEXISTS error code. */
export const ZK_NODE_EXISTS = -110;

class Writer {
  private parts: Buffer[] = [];
  int(v: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }
  long(v: bigint): this {
    const b = Buffer.allocUnsafe(8);
    b.writeBigInt64BE(v);
    this.parts.push(b);
    return this;
  }
  bool(v: boolean): this {
    this.parts.push(Buffer.from([v ? 1 : 0]));
    return this;
  }
  bytes(v: Uint8Array): this {
    this.int(v.byteLength);
    this.parts.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    return this;
  }
  string(v: string): this {
    return this.bytes(Buffer.from(v, 'utf8'));
  }
  /** The frame: length prefix plus everything written. */
  frame(): Buffer {
    const body = Buffer.concat(this.parts);
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(body.length);
    return Buffer.concat([len, body]);
  }
}

interface Pending {
  resolve(): void;
  reject(err: Error): void;
}

export class ZkSession {
  private xid = 0;
  private readonly pending = new Map<number, Pending>();
  private buffered = Buffer.alloc(0);
  private connected = false;
  private pinger: NodeJS.Timeout | undefined;
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {}

  /** Opens a session to `host:port` (bounded by `timeoutMs`). */
  static open(host: string, port: number, sessionTimeoutMs = 30_000, timeoutMs = 10_000): Promise<ZkSession> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.setNoDelay(true);
      const session = new ZkSession(socket);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new BenchError('BENCH_TIMEOUT', `zookeeper ${host}:${port}: no session within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      socket.once('connect', () => {
        socket.write(
          new Writer()
            .int(0)
            .long(0n)
            .int(sessionTimeoutMs)
            .long(0n)
            .bytes(Buffer.alloc(16))
            .bool(false)
            .frame(),
        );
      });
      socket.on('data', (chunk: Buffer) => {
        session.buffered = Buffer.concat([session.buffered, chunk]);
        for (;;) {
          if (session.buffered.length < 4) return;
          const len = session.buffered.readInt32BE(0);
          if (session.buffered.length < 4 + len) return;
          const frame = session.buffered.subarray(4, 4 + len);
          session.buffered = session.buffered.subarray(4 + len);
          if (!session.connected) {
            session.connected = true;
            clearTimeout(timer);
            const negotiated = frame.readInt32BE(4);
            if (negotiated <= 0) {
              socket.destroy();
              reject(new BenchError('BENCH_REQUEST_FAILED', `zookeeper ${host}:${port} refused the session`));
              return;
            }
            // Keep the session alive well inside its timeout.
            session.pinger = setInterval(
              () => session.send(new Writer().int(XID_PING).int(OP_PING).frame()),
              negotiated / 3,
            );
            session.pinger.unref();
            resolve(session);
          } else session.onReply(frame);
        }
      });
      socket.on('error', (err) => {
        clearTimeout(timer);
        session.fail(
          new BenchError('BENCH_REQUEST_FAILED', `zookeeper ${host}:${port}: ${err.message}`, { cause: err }),
        );
        reject(session.failure);
      });
      socket.on('close', () =>
        session.fail(new BenchError('BENCH_REQUEST_FAILED', 'zookeeper session closed')),
      );
    });
  }

  /** Creates a persistent node with the open ACL; resolves with the ZooKeeper error code (0 = ok). */
  create(path: string, data: Uint8Array): Promise<number> {
    const xid = this.nextXid();
    const frame = new Writer()
      .int(xid)
      .int(OP_CREATE)
      .string(path)
      .bytes(data)
      .int(1) // one ACL: world:anyone with every permission
      .int(31)
      .string('world')
      .string('anyone')
      .int(0) // persistent
      .frame();
    return this.call(xid, frame, true);
  }

  /** setData(path, data, version -1); rejects on any ZooKeeper error. */
  async setData(path: string, data: Uint8Array): Promise<void> {
    const xid = this.nextXid();
    await this.call(
      xid,
      new Writer().int(xid).int(OP_SET_DATA).string(path).bytes(data).int(-1).frame(),
      false,
    );
  }

  async close(): Promise<void> {
    if (this.pinger) clearInterval(this.pinger);
    if (!this.failure) {
      const xid = this.nextXid();
      await Promise.race([
        this.call(xid, new Writer().int(xid).int(OP_CLOSE).frame(), true).catch(() => 0),
        new Promise((r) => setTimeout(r, 1_000).unref()),
      ]);
    }
    this.socket.destroy();
  }

  private nextXid(): number {
    this.xid = (this.xid + 1) & 0x7fffffff || 1;
    return this.xid;
  }

  private call(xid: number, frame: Buffer, codeIsResult: boolean): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<number>((resolve, reject) => {
      this.pending.set(xid, {
        resolve: () => resolve(0),
        reject: (err) => {
          const code = (err as { zkCode?: number }).zkCode;
          if (codeIsResult && code !== undefined) resolve(code);
          else reject(err);
        },
      });
      this.send(frame);
    });
  }

  private send(frame: Buffer): void {
    if (!this.failure) this.socket.write(frame);
  }

  private onReply(frame: Buffer): void {
    const xid = frame.readInt32BE(0);
    const err = frame.readInt32BE(12);
    if (xid === XID_PING || xid === XID_WATCH) return;
    const p = this.pending.get(xid);
    if (!p) return;
    this.pending.delete(xid);
    if (err === 0) p.resolve();
    else
      p.reject(
        Object.assign(new BenchError('BENCH_REQUEST_FAILED', `zookeeper error ${err}`), { zkCode: err }),
      );
  }

  private fail(err: Error): void {
    if (this.pinger) clearInterval(this.pinger);
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

/** The `srvr` four-letter word's `Mode:` (leader, follower, standalone), or undefined. */
export function zkMode(host: string, port: number, timeoutMs = 2_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => socket.end('srvr'));
    let out = '';
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.on('data', (d) => {
      out += d.toString();
    });
    socket.on('close', () => resolve(/Mode: (\w+)/.exec(out)?.[1]));
    socket.on('error', () => resolve(undefined));
  });
}
