import { type InstanceAddress, sameAddress } from './instance-ops.js';
import type { InstanceRecord } from './model.js';

/** An ephemeral instance removed (deregistered or expired) at `at`, remembered for a while. */
export interface Removal extends InstanceAddress {
  readonly at: number;
}

/**
 * One service's ephemeral instances as Distro stores them: the live records and the recent
 * removals. The removals let a member that receives a list reduced on a stale copy (one that still
 * holds an instance deregistered elsewhere) drop that instance instead of bringing it back.
 */
export interface EphemeralValue {
  readonly instances: readonly InstanceRecord[];
  readonly removed: readonly Removal[];
}

/**
 * How long a removal is remembered. A stale copy older than this would also have expired the
 * instance by its beat timeout (30 s by default), so nothing older can come back through it.
 */
export const REMOVAL_TTL_MS = 60_000;

export const EMPTY_VALUE: EphemeralValue = { instances: [], removed: [] };

/**
 * The value after an operation turned `before` into the list `after` at time `now`: records that
 * disappeared become removals; a record present again stays only if its beat time is after its
 * removal (an operation issued before the removal but reduced after it, such as a forwarded beat
 * that arrives late, must not undo it: the join below decides the same way); removals older than
 * the TTL are forgotten.
 */
export function nextValue(
  before: EphemeralValue,
  after: readonly InstanceRecord[],
  now: number,
): EphemeralValue {
  const gone = before.instances.filter((old) => !after.some((i) => sameAddress(i, old)));
  if (gone.length === 0 && before.removed.length === 0) {
    return after === before.instances ? before : { instances: after, removed: [] };
  }
  const dominated = (i: InstanceRecord) => before.removed.some((r) => sameAddress(r, i) && r.at > i.lastBeat);
  const instances = after.some(dominated) ? after.filter((i) => !dominated(i)) : after;
  const removed = [
    ...before.removed.filter((r) => !gone.some((g) => sameAddress(g, r))),
    ...gone.map((g) => ({
      ip: g.ip,
      port: g.port,
      clusterName: g.clusterName,
      at: Math.max(now, g.lastBeat + 1),
    })),
  ].filter((r) => r.at >= now - REMOVAL_TTL_MS && !instances.some((i) => sameAddress(i, r)));
  const same =
    instances === before.instances &&
    removed.length === before.removed.length &&
    removed.every((r, n) => r === before.removed[n]);
  return same ? before : { instances, removed };
}

/**
 * `value` with a removal of `address` at `at` remembered, also when this copy never held the
 * instance: a member reducing a deregistration on a stale copy must still record it, or the copies
 * that hold the instance bring it back through the join.
 */
export function rememberRemoval(value: EphemeralValue, address: InstanceAddress, at: number): EphemeralValue {
  if (value.instances.some((i) => sameAddress(i, address))) return value;
  const known = value.removed.find((r) => sameAddress(r, address));
  if (known !== undefined && known.at >= at) return value;
  const removal = { ip: address.ip, port: address.port, clusterName: address.clusterName, at };
  return {
    instances: value.instances,
    removed: [...value.removed.filter((r) => r !== known), removal],
  };
}

/**
 * The join of two versions of a service's list, for Distro's `merge`: records of both sides (the
 * one with the later beat when both have an instance, the received one on a tie), minus records a
 * removal on either side is newer than (a removal is stamped after the removed record's last beat,
 * so a tie means the instance came back in the same millisecond), with the later removal of each address kept. Returns
 * `remote` itself when it already holds everything, so Distro adopts it without a new write.
 */
export function mergeValues(local: EphemeralValue, remote: EphemeralValue, now: number): EphemeralValue {
  const horizon = now - REMOVAL_TTL_MS;
  const removals: Removal[] = [];
  for (const r of [...remote.removed, ...local.removed]) {
    if (r.at < horizon) continue;
    const seen = removals.findIndex((x) => sameAddress(x, r));
    if (seen < 0) removals.push(r);
    else if ((removals[seen] as Removal).at < r.at) removals[seen] = r;
  }
  const instances: InstanceRecord[] = [];
  for (const i of remote.instances) {
    const mine = local.instances.find((l) => sameAddress(l, i));
    instances.push(mine !== undefined && mine.lastBeat > i.lastBeat ? mine : i);
  }
  for (const l of local.instances) if (!remote.instances.some((i) => sameAddress(i, l))) instances.push(l);
  const live = instances.filter((i) => !removals.some((r) => sameAddress(r, i) && r.at > i.lastBeat));
  const kept = removals.filter((r) => !live.some((i) => sameAddress(i, r)));
  const unchanged =
    live.length === remote.instances.length &&
    live.every((i, n) => i === remote.instances[n]) &&
    kept.length === remote.removed.length &&
    kept.every((r) => remote.removed.some((x) => sameAddress(x, r) && x.at === r.at));
  return unchanged ? remote : { instances: live, removed: kept };
}
