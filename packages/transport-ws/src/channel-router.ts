import { type Frame, FrameKind } from './codec.js';
import { TransportError } from './errors.js';
import type { Logger } from './logger.js';
import type { PeerLink } from './peer-link.js';
import type { MessageHandler, RequestHandler } from './types.js';

/** Sends a response frame back on `link`. */
export type Reply = (link: PeerLink, channel: string, id: number, ok: boolean, body: unknown) => void;

/**
 * Routes decoded frames from authenticated peers: one-way messages and requests to the
 * channel's handlers, responses to the request awaiting them. Handler failures never touch the
 * connection: a throwing message handler is logged, a throwing request handler becomes an error
 * response carrying its `code` and `message`.
 */
export class ChannelRouter {
  private readonly messageHandlers = new Map<string, MessageHandler>();
  private readonly requestHandlers = new Map<string, RequestHandler>();

  constructor(
    private readonly logger: Logger,
    private readonly reply: Reply,
  ) {}

  /** Sets or (with `undefined`) removes the message handler of `channel`. */
  setMessageHandler(channel: string, handler: MessageHandler | undefined): void {
    if (handler === undefined) this.messageHandlers.delete(channel);
    else this.messageHandlers.set(channel, handler);
  }

  /** Sets or (with `undefined`) removes the request handler of `channel`. */
  setRequestHandler(channel: string, handler: RequestHandler | undefined): void {
    if (handler === undefined) this.requestHandlers.delete(channel);
    else this.requestHandlers.set(channel, handler);
  }

  /** Handles one frame received from `link`. */
  dispatch(link: PeerLink, frame: Frame): void {
    const { kind, channel, id, payload } = frame;
    if (kind === FrameKind.Message) {
      const h = this.messageHandlers.get(channel);
      if (h === undefined) {
        this.logger.debug({ peer: link.id, channel }, 'no handler for message');
        return;
      }
      try {
        h(link.id, payload);
      } catch (err) {
        this.logger.error({ peer: link.id, channel, err }, 'message handler threw');
      }
    } else if (kind === FrameKind.Request) {
      this.serve(link, channel, id, payload);
    } else {
      const p = link.pending.get(id);
      if (p === undefined) return; // timed out, aborted, or a duplicate
      link.pending.delete(id);
      if (kind === FrameKind.Response) p.resolve(payload);
      else p.reject(remoteError(link.id, payload));
    }
  }

  private serve(link: PeerLink, channel: string, id: number, payload: unknown): void {
    const h = this.requestHandlers.get(channel);
    if (h === undefined) {
      this.reply(link, channel, id, false, {
        code: 'TRANSPORT_NO_HANDLER',
        message: `no request handler for ${channel}`,
      });
      return;
    }
    let result: unknown;
    try {
      result = h(link.id, payload);
    } catch (err) {
      this.reply(link, channel, id, false, errorBody(err));
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (v) => this.reply(link, channel, id, true, v),
        (err: unknown) => this.reply(link, channel, id, false, errorBody(err)),
      );
    } else {
      this.reply(link, channel, id, true, result);
    }
  }
}

function errorBody(err: unknown): { code: string; message: string } {
  const e = err as { code?: unknown; message?: unknown } | null;
  return {
    code: typeof e?.code === 'string' ? e.code : 'ERROR',
    message: typeof e?.message === 'string' ? e.message : String(err),
  };
}

function remoteError(peer: string, body: unknown): TransportError {
  const b = (body ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof b.code === 'string' ? b.code : undefined;
  const message = typeof b.message === 'string' ? b.message : 'remote error';
  return new TransportError(
    'TRANSPORT_REMOTE_ERROR',
    `${peer}: ${message}`,
    code === undefined ? undefined : { remoteCode: code },
  );
}
