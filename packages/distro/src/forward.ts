import { DistroError } from './errors.js';
import type { DistroMetrics, DistroNetwork } from './interfaces.js';
import type { Logger } from './logger.js';
import { MessageType, parseMessage, type WireOp } from './messages.js';
import type { Version } from './version.js';

/** Outcome of an acknowledged write. */
export interface WriteResult {
  /** The version the write got. */
  readonly version: Version;
  /** The member that applied it (the responsible one, or the next reachable by the same order). */
  readonly appliedBy: string;
  /** True when another member applied it. */
  readonly forwarded: boolean;
}

/** What {@link routeWrite} needs from the engine. */
export interface RouteContext {
  readonly self: string;
  readonly network: DistroNetwork;
  readonly timeoutMs: number;
  readonly metrics: DistroMetrics;
  readonly log: Logger;
  /** Applies the write on this member and returns its version. */
  applyLocal(key: string, op: WireOp): Version;
  /** Called with the version a peer gave the write (moves the local clock past it). */
  observe(version: Version): void;
  /** Throws `DISTRO_STOPPED` once the engine is stopped. */
  assertRunning(): void;
}

/**
 * Sends a write down the key's member order: applied here when this member comes first, else
 * forwarded; a failed or timed-out attempt moves on to the next member, down to this one, so a
 * dead owner never blocks writes.
 */
export async function routeWrite(
  ctx: RouteContext,
  order: readonly string[],
  key: string,
  op: WireOp,
): Promise<WriteResult> {
  let lastError: unknown;
  for (const m of order) {
    if (m === ctx.self) return { version: ctx.applyLocal(key, op), appliedBy: m, forwarded: false };
    try {
      const reply = parseMessage(
        await ctx.network.request(m, { type: MessageType.Write, key, op }, ctx.timeoutMs),
      );
      if (reply.type !== MessageType.WriteAck) {
        throw new DistroError('DISTRO_BAD_MESSAGE', `unexpected reply type ${reply.type}`);
      }
      ctx.metrics.forwardedWrite?.(m, true);
      ctx.observe(reply.version);
      return { version: reply.version, appliedBy: m, forwarded: true };
    } catch (err) {
      ctx.metrics.forwardedWrite?.(m, false);
      ctx.log.debug({ key, to: m, err: String(err) }, 'forward failed, trying next');
      lastError = err;
      ctx.assertRunning();
    }
  }
  // Unreachable while self is in `order`; kept so a bad MemberView cannot hang a caller.
  throw new DistroError('DISTRO_PEER_UNAVAILABLE', `no member accepted the write for ${key}`, {
    cause: lastError,
  });
}
