import { DistroError } from './errors.js';
import type { DistroNetwork } from './interfaces.js';
import type { Logger } from './logger.js';
import { MessageType, parseMessage, type WireEntry } from './messages.js';
import { VERIFY_BUCKETS } from './verify.js';

/** What {@link loadSnapshotRound} needs from the engine. */
export interface SnapshotContext {
  readonly network: DistroNetwork;
  readonly timeoutMs: number;
  /** Verify buckets per snapshot page (1 to 256). */
  readonly pageBuckets: number;
  readonly log: Logger;
  /** Current peers to ask, in order (the view may change while a request waits). */
  peers(): readonly string[];
  /** Rejects values (throws `DISTRO_BAD_MESSAGE`) before anything is stored. */
  checkValues(entries: readonly WireEntry[]): void;
  /** Merges a peer's entries into the local store. */
  install(from: string, entries: readonly WireEntry[]): void;
  isStopped(): boolean;
}

/**
 * One pass over the peers asking each for a full snapshot (in pages of verify buckets, so
 * no single frame carries the whole store); true when one was installed.
 *
 * A peer that is itself still loading answers with `ready: false`; its data is used only if no
 * ready peer answers in the round (a whole cluster starting together, where every member is empty
 * anyway), so a member restarting beside another restarting member still loads from one that
 * holds the data.
 *
 * @throws DistroError `DISTRO_STOPPED` when the engine stops during the round
 */
export async function loadSnapshotRound(ctx: SnapshotContext): Promise<boolean> {
  const fallback: { from: string; entries: readonly WireEntry[] }[] = [];
  const stopped = (cause?: unknown): DistroError =>
    new DistroError('DISTRO_STOPPED', 'stopped during snapshot load', { cause });
  for (const p of ctx.peers()) {
    if (ctx.isStopped()) throw stopped();
    if (!ctx.peers().includes(p)) continue;
    try {
      const { entries, ready } = await fetchSnapshot(ctx, p);
      if (ctx.isStopped()) throw stopped();
      if (!ready) {
        fallback.push({ from: p, entries });
        continue;
      }
      ctx.install(p, entries);
      return true;
    } catch (err) {
      if (ctx.isStopped()) throw stopped(err);
      ctx.log.warn({ from: p, err: String(err) }, 'snapshot request failed');
    }
  }
  if (fallback.length === 0) return false;
  for (const f of fallback) ctx.install(f.from, f.entries);
  return true;
}

/** Fetches a peer's whole store in pages of `pageBuckets` verify buckets; any failed page fails it. */
async function fetchSnapshot(
  ctx: SnapshotContext,
  peer: string,
): Promise<{ entries: readonly WireEntry[]; ready: boolean }> {
  const entries: WireEntry[] = [];
  let ready = true;
  for (let from = 0; from < VERIFY_BUCKETS; from += ctx.pageBuckets) {
    const to = Math.min(VERIFY_BUCKETS, from + ctx.pageBuckets);
    const reply = parseMessage(
      await ctx.network.request(
        peer,
        { type: MessageType.Snapshot, fromBucket: from, toBucket: to },
        ctx.timeoutMs,
      ),
    );
    if (reply.type !== MessageType.Entries) {
      throw new DistroError('DISTRO_BAD_MESSAGE', `unexpected snapshot reply type ${reply.type}`);
    }
    ctx.checkValues(reply.entries);
    if (reply.ready === false) ready = false;
    for (const e of reply.entries) entries.push(e);
  }
  return { entries, ready };
}
