import type { WireOutcome } from './cp-errors.js';

/**
 * How a follower hands a write to the leader (cluster mode; standalone has none). `leader` is
 * the leader's member address (`ip:port`). Errors say whether the request left: a request that
 * never reached the leader rejects with {@link LeaderUnreachableError}, anything else means the
 * outcome is unknown.
 */
export interface LeaderLink {
  /** Has the leader propose an encoded command; resolves with its outcome there. */
  forward(leader: string, command: Uint8Array, timeoutMs: number): Promise<WireOutcome>;
}

/** The request did not reach the leader (not connected, queue full): nothing happened. */
export class LeaderUnreachableError extends Error {
  override name = 'LeaderUnreachableError';
}
