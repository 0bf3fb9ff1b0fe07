import type { DistroMessage } from './messages.js';

/**
 * What the engine needs to know about the cluster. `@reg/membership` provides it in the registry:
 * healthy = UP or SUSPICIOUS, as in Nacos.
 */
export interface MemberView {
  /** This member's id (the registry uses `ip:port`). */
  readonly self: string;
  /**
   * Ids of the members that currently count as healthy, sorted, usually including `self`. Every
   * member must compute the same list from the same membership state.
   */
  healthyMembers(): readonly string[];
  /**
   * Every member configured for the cluster (cluster.conf), healthy or not, usually including
   * `self`. Optional: with it, a starting member asks listed peers for a snapshot before their
   * health is known, instead of starting empty because nobody has reported in yet.
   */
  listedMembers?(): readonly string[];
  /** Registers a listener called after the healthy list changed; returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
}

/**
 * The peer network on the `distro` channel. `@reg/transport-ws` provides it in the registry; the
 * registry also delivers every inbound `distro` frame to {@link Distro.handle} and sends the
 * value it returns back as the reply of a request.
 */
export interface DistroNetwork {
  /** Fire-and-forget. May drop silently; must not throw for an unreachable peer. */
  send(to: string, message: DistroMessage): void;
  /**
   * Sends a request and resolves with the peer's reply. Rejects (with any error) when the peer is
   * unreachable, fails or does not answer within `timeoutMs`.
   */
  request(to: string, message: DistroMessage, timeoutMs: number): Promise<DistroMessage>;
}

/** Opaque handle of a scheduled callback. */
export type TimerHandle = unknown;

/**
 * Time, injectable so simulations run on virtual time. The default uses `Date.now` and the Node
 * timers (unref'd, so the engine never keeps a process alive on its own).
 */
export interface Scheduler {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real-time {@link Scheduler}. */
export const realScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Optional metrics hooks; the registry maps them to Prometheus counters. Hooks must be cheap and
 * must not throw. `bytes` is the JSON-encoded size of the message (a close, transport-independent
 * estimate of what goes on the wire), only computed when the hook is present.
 */
export interface DistroMetrics {
  /** A sync batch left for `target` with `keys` entries. */
  syncBatch?(target: string, keys: number, bytes: number): void;
  /** A checksum round from `from` found `stale` keys to pull and `newer` keys to push back. */
  verifyMismatch?(from: string, stale: number, newer: number): void;
  /** A write was forwarded to `to`; `ok` is false when that attempt failed. */
  forwardedWrite?(to: string, ok: boolean): void;
  /** A full snapshot of `keys` entries was loaded from `from`. */
  snapshotLoaded?(from: string, keys: number): void;
  /** Expired tombstones were garbage-collected. */
  tombstonesCollected?(count: number): void;
}
