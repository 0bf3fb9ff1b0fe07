import type { RawNode } from '../core/raw-node.js';
import type { Entry, NodeId } from '../core/types.js';

/** A broken Raft safety property found by the {@link SafetyChecker}. */
export class SafetyViolation extends Error {
  override readonly name = 'SafetyViolation';
  /** Which property broke. */
  readonly property: 'election-safety' | 'log-matching' | 'leader-completeness' | 'state-machine-safety';

  constructor(property: SafetyViolation['property'], message: string) {
    super(`${property}: ${message}`);
    this.property = property;
  }
}

function sameEntry(a: Entry, b: Entry): boolean {
  if (a === b) return true;
  if (
    a.term !== b.term ||
    a.index !== b.index ||
    a.type !== b.type ||
    a.data.byteLength !== b.data.byteLength
  ) {
    return false;
  }
  for (let i = 0; i < a.data.byteLength; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

/**
 * Checks the four safety properties of Raft (paper Figure 3) over a set of nodes:
 * - election safety: at most one leader per term, ever;
 * - log matching: two logs with an entry of the same index and term agree on every entry up to it;
 * - leader completeness: a leader's log holds every entry applied anywhere before it led;
 * - state-machine safety: no two nodes apply different entries at the same index.
 * Feed it every applied entry ({@link recordApply}) and call {@link check} after every step.
 */
export class SafetyChecker {
  readonly #leaders = new Map<number, NodeId>();
  /** The entry applied at each index (index 1 at position 1). */
  readonly #applied: (Entry | undefined)[] = [];
  /**
   * Per applied index, a term at or above the term in which it was committed: the applying node's
   * term at first application (it heard of the commit from a leader of at most its term), made
   * non-decreasing along the log. Leaders of later terms must hold the entry; an older leader that
   * has not yet heard of the new term (e.g. partitioned) need not.
   */
  readonly #bound: number[] = [];
  #maxApplied = 0;
  /** Per leader: the term and the applied index up to which its log was checked. */
  readonly #leaderChecked = new Map<NodeId, { term: number; upTo: number }>();

  /** Highest index applied by any node. */
  get maxApplied(): number {
    return this.#maxApplied;
  }

  /** The entry applied at `index` by any node (undefined if none yet). */
  appliedAt(index: number): Entry | undefined {
    return this.#applied[index];
  }

  /** Records that `node`, currently in term `nodeTerm`, applied `entry` (state-machine safety). */
  recordApply(node: NodeId, entry: Entry, nodeTerm: number): void {
    const prev = this.#applied[entry.index];
    if (prev === undefined) {
      this.#applied[entry.index] = entry;
      this.#bound[entry.index] = Math.max(nodeTerm, this.#bound[entry.index - 1] ?? 0);
      if (entry.index > this.#maxApplied) this.#maxApplied = entry.index;
    } else if (!sameEntry(prev, entry)) {
      throw new SafetyViolation(
        'state-machine-safety',
        `node ${node} applied (${entry.index}, term ${entry.term}) but (${prev.index}, term ${prev.term}) was applied before`,
      );
    }
  }

  /** Checks election safety, leader completeness and log matching over the live nodes. */
  check(nodes: readonly RawNode[]): void {
    for (const n of nodes) {
      const s = n.status();
      if (s.role !== 'leader') {
        this.#leaderChecked.delete(n.id);
        continue;
      }
      const known = this.#leaders.get(s.term);
      if (known === undefined) this.#leaders.set(s.term, n.id);
      else if (known !== n.id) {
        throw new SafetyViolation('election-safety', `nodes ${known} and ${n.id} both led term ${s.term}`);
      }
      this.#checkCompleteness(n, s.term);
    }
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) this.#checkMatching(nodes[i]!, nodes[j]!);
    }
  }

  #checkCompleteness(n: RawNode, term: number): void {
    // Check a new leader's whole log once, then only what was applied since the last check.
    const prev = this.#leaderChecked.get(n.id);
    const from = prev !== undefined && prev.term === term ? prev.upTo + 1 : n.firstIndex();
    const s = n.status();
    // Entries committed in a term before `term`: a prefix, since bounds do not decrease.
    let must = this.#maxApplied;
    while (must > 0 && (this.#bound[must] ?? 0) >= term) must--;
    if (s.lastIndex < must) {
      throw new SafetyViolation(
        'leader-completeness',
        `leader ${n.id} (term ${term}) has last index ${s.lastIndex} < committed ${must}`,
      );
    }
    const lo = Math.max(from, n.firstIndex());
    if (lo <= must) {
      const ents = n.entries(lo, must + 1);
      for (const e of ents) {
        const a = this.#applied[e.index];
        if (a !== undefined && !sameEntry(a, e)) {
          throw new SafetyViolation(
            'leader-completeness',
            `leader ${n.id} (term ${term}) has (${e.index}, term ${e.term}) but (${a.index}, term ${a.term}) was applied`,
          );
        }
      }
    }
    this.#leaderChecked.set(n.id, { term, upTo: must });
  }

  #checkMatching(a: RawNode, b: RawNode): void {
    const sa = a.status();
    const sb = b.status();
    const hi = Math.min(sa.lastIndex, sb.lastIndex);
    // Below both commits, state-machine safety already compares the entries.
    const lo = Math.max(a.firstIndex(), b.firstIndex(), Math.min(sa.commit, sb.commit));
    if (hi < lo) return;
    const ea = a.entries(lo, hi + 1);
    const eb = b.entries(lo, hi + 1);
    let matched = false;
    for (let k = ea.length - 1; k >= 0; k--) {
      const x = ea[k]!;
      const y = eb[k]!;
      if (x.term === y.term) matched = true;
      if (matched && !sameEntry(x, y)) {
        throw new SafetyViolation(
          'log-matching',
          `nodes ${a.id} and ${b.id} share a later (index, term) but differ at index ${x.index} (terms ${x.term}/${y.term})`,
        );
      }
    }
  }
}
