import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { gunzipSync } from 'node:zlib';
import type { Logger } from '../logger.js';
import { parseServiceInfo, type ServiceInfo, serviceInfoJson } from './model.js';

/** Unzipped pushes larger than this are dropped (servers keep them under one 64 KiB datagram). */
const MAX_PUSH_BYTES = 1024 * 1024;

export interface PushReceiverOptions {
  /** Address to bind; default all interfaces (`0.0.0.0`), so servers elsewhere can reach it. */
  readonly bindAddress: string;
  /** UDP port; 0 picks a free one. */
  readonly port: number;
  readonly logger: Logger;
  /** Called with each pushed service. */
  readonly onService: (info: ServiceInfo) => void;
  /** The client's services, for a `dump` request. */
  readonly dump: () => Record<string, ServiceInfo>;
}

/**
 * Nacos 1.x UDP push (server -> client): the server sends `{"type":"dom","data":"<list JSON>",
 * "lastRefTime":n}` (gzipped from 1 KiB) to the `udpPort` a list call named, and expects
 * `{"type":"push-ack","lastRefTime":n,"data":""}` back to the sending address, else it resends.
 * `dump` asks for the client's whole service map; anything else is answered `unknown-ack`.
 */
export class PushReceiver {
  readonly #options: PushReceiverOptions;
  #socket: Socket | undefined;
  #port = 0;
  #received = 0;

  constructor(options: PushReceiverOptions) {
    this.#options = options;
  }

  /** The bound UDP port; 0 before `start()` or after a failed bind. */
  get port(): number {
    return this.#port;
  }

  /** Pushes received and acknowledged so far. */
  get received(): number {
    return this.#received;
  }

  /** Binds the socket; resolves with the port, or 0 (polling only) when binding fails. */
  async start(): Promise<number> {
    const socket = createSocket({ type: this.#options.bindAddress.includes(':') ? 'udp6' : 'udp4' });
    socket.on('message', (message, remote) => this.#onMessage(socket, message, remote));
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(this.#options.port, this.#options.bindAddress, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      this.#options.logger.warn({ err: String(err) }, 'cannot bind the UDP push port, polling only');
      socket.close();
      return 0;
    }
    socket.on('error', (err) => this.#options.logger.warn({ err: String(err) }, 'UDP push socket error'));
    socket.unref();
    this.#socket = socket;
    this.#port = socket.address().port;
    return this.#port;
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#port = 0;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  #onMessage(socket: Socket, message: Buffer, remote: RemoteInfo): void {
    const { logger } = this.#options;
    let text: string;
    try {
      const isGzip = message.length > 2 && message[0] === 0x1f && message[1] === 0x8b;
      text = (isGzip ? gunzipSync(message, { maxOutputLength: MAX_PUSH_BYTES }) : message).toString('utf8');
    } catch (err) {
      logger.warn({ from: remote.address, err: String(err) }, 'dropping undecodable push');
      return;
    }
    let packet: { type?: unknown; data?: unknown };
    try {
      packet = JSON.parse(text) as typeof packet;
    } catch {
      logger.warn({ from: remote.address }, 'dropping push that is not JSON');
      return;
    }
    if (packet === null || typeof packet !== 'object') return;
    // Echo lastRefTime exactly as sent: parsing would round values above 2^53 and the ack would miss.
    const lastRefTime = /"lastRefTime"\s*:\s*"?(\d{1,20})"?/.exec(text)?.[1] ?? '0';
    let ack: { type: string; data: string };
    if (packet.type === 'dom' && typeof packet.data === 'string') {
      try {
        this.#options.onService(parseServiceInfo(JSON.parse(packet.data)));
        this.#received++;
      } catch (err) {
        logger.warn({ from: remote.address, err: String(err) }, 'dropping malformed dom push');
        return;
      }
      ack = { type: 'push-ack', data: '' };
    } else if (packet.type === 'dump') {
      const services = Object.fromEntries(
        Object.entries(this.#options.dump()).map(([k, v]) => [k, JSON.parse(serviceInfoJson(v)) as unknown]),
      );
      ack = { type: 'dump-ack', data: JSON.stringify(services) };
    } else {
      ack = { type: 'unknown-ack', data: '' };
    }
    const reply = `{"type":${JSON.stringify(ack.type)},"lastRefTime":${lastRefTime},"data":${JSON.stringify(ack.data)}}`;
    socket.send(reply, remote.port, remote.address, (err) => {
      if (err) logger.debug({ to: remote.address, err: String(err) }, 'push ack not sent');
    });
  }
}
