import { RaftError } from '../errors.js';
import { type Entry, EntryType } from './types.js';

/**
 * The node's log in memory: entries after the compaction point, with `stabled` marking how much of
 * it is durable. The driver persists everything above `stabled` before acting on it.
 *
 * Invariants: `snapshotIndex <= applied <= committed <= lastIndex()`; `stabled <= lastIndex()`;
 * `entries[i].index === snapshotIndex + 1 + i`.
 */
export class RaftLog {
  snapshotIndex: number;
  snapshotTerm: number;
  entries: Entry[];
  /** Last index known durable in storage. */
  stabled: number;
  /** Highest index known committed. */
  committed: number;
  /** Highest index handed to the application for applying. */
  applied: number;
  /** Indexes of the ConfChange entries in `entries`, ascending (the configuration is the latest). */
  confIndexes: number[] = [];

  constructor(
    snapshotIndex: number,
    snapshotTerm: number,
    entries: readonly Entry[],
    committed: number,
    applied: number,
  ) {
    this.snapshotIndex = snapshotIndex;
    this.snapshotTerm = snapshotTerm;
    this.entries = [...entries];
    for (const e of entries) if (e.type === EntryType.ConfChange) this.confIndexes.push(e.index);
    this.stabled = this.lastIndex();
    if (committed < snapshotIndex || committed > this.lastIndex()) {
      throw new RaftError(
        'RAFT_INVARIANT',
        `commit ${committed} outside [${snapshotIndex}, ${this.lastIndex()}]`,
      );
    }
    this.committed = committed;
    this.applied = Math.max(snapshotIndex, Math.min(applied, committed));
  }

  firstIndex(): number {
    return this.snapshotIndex + 1;
  }

  lastIndex(): number {
    return this.snapshotIndex + this.entries.length;
  }

  lastTerm(): number {
    return this.entries.length === 0 ? this.snapshotTerm : this.entries[this.entries.length - 1]!.term;
  }

  /** Term of the entry at `index`, or -1 when it is compacted away or beyond the log. */
  term(index: number): number {
    if (index === this.snapshotIndex) return this.snapshotTerm;
    const e = this.entries[index - this.snapshotIndex - 1];
    return e === undefined ? -1 : e.term;
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** Election restriction (paper §5.4.1): is a log ending at (index, term) at least as up to date? */
  isUpToDate(index: number, term: number): boolean {
    const lt = this.lastTerm();
    return term > lt || (term === lt && index >= this.lastIndex());
  }

  /** Index of the first entry of `ents` that conflicts with (or extends) the log; 0 if all match. */
  findConflict(ents: readonly Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index <= `index` whose term is <= `term` (fast backtracking: everything above it
   * cannot match a log whose entry at `index` has `term`). Stops at the compaction point.
   */
  findConflictByTerm(index: number, term: number): number {
    let i = Math.min(index, this.lastIndex());
    while (i > this.snapshotIndex) {
      const t = this.term(i);
      if (t <= term) return i;
      i--;
    }
    return i;
  }

  /**
   * The follower side of AppendEntries: if the entry at `index` has `logTerm`, appends `ents`
   * (cutting a conflicting suffix) and advances commit to min(`commit`, last new index).
   * Returns the last new index, or -1 when the consistency check fails.
   */
  maybeAppend(index: number, logTerm: number, commit: number, ents: readonly Entry[]): number {
    if (!this.matchTerm(index, logTerm)) return -1;
    const lastNew = index + ents.length;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      if (ci <= this.committed) {
        throw new RaftError(
          'RAFT_INVARIANT',
          `entry ${ci} conflicts with committed entry (commit ${this.committed})`,
        );
      }
      this.append(ents.slice(ci - index - 1));
    }
    this.commitTo(Math.min(commit, lastNew));
    return lastNew;
  }

  /** Appends `ents`, truncating anything at or after `ents[0].index`. Returns the last index. */
  append(ents: readonly Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = ents[0]!.index - 1;
    if (after < this.committed) {
      throw new RaftError(
        'RAFT_INVARIANT',
        `append after ${after} would overwrite committed ${this.committed}`,
      );
    }
    if (after < this.lastIndex()) {
      this.entries.length = after - this.snapshotIndex;
      if (this.stabled > after) this.stabled = after;
      while (this.confIndexes.length > 0 && this.confIndexes[this.confIndexes.length - 1]! > after) {
        this.confIndexes.pop();
      }
    }
    for (const e of ents) {
      this.entries.push(e);
      if (e.type === EntryType.ConfChange) this.confIndexes.push(e.index);
    }
    return this.lastIndex();
  }

  commitTo(index: number): void {
    if (index <= this.committed) return;
    if (index > this.lastIndex()) {
      throw new RaftError('RAFT_INVARIANT', `commit ${index} beyond last index ${this.lastIndex()}`);
    }
    this.committed = index;
  }

  /** Entries in [lo, hi), at least one (if any) and otherwise within `maxBytes` of payload. */
  slice(lo: number, hi: number, maxBytes: number): Entry[] {
    if (lo >= hi) return [];
    const from = lo - this.snapshotIndex - 1;
    const to = Math.min(hi, this.lastIndex() + 1) - this.snapshotIndex - 1;
    if (from < 0) throw new RaftError('RAFT_STORAGE_COMPACTED', `index ${lo} is compacted`);
    let size = 0;
    let end = from;
    while (end < to) {
      size += this.entries[end]!.data.byteLength;
      if (size > maxBytes && end > from) break;
      end++;
    }
    return this.entries.slice(from, end);
  }

  /** Entries not yet durable. */
  unstableEntries(): Entry[] {
    return this.entries.slice(this.stabled - this.snapshotIndex);
  }

  /** Marks entries up to (index, term) durable, unless that entry was replaced meanwhile. */
  stableTo(index: number, term: number): void {
    if (index > this.stabled && this.matchTerm(index, term)) this.stabled = index;
  }

  /**
   * Drops the entries up to `index` (<= applied), which a state-machine snapshot now covers; the log
   * then starts after it.
   */
  compact(index: number): void {
    if (index <= this.snapshotIndex) return;
    if (index > this.applied)
      throw new RaftError('RAFT_INVARIANT', `compact ${index} beyond applied ${this.applied}`);
    this.snapshotTerm = this.term(index);
    this.entries = this.entries.slice(index - this.snapshotIndex);
    this.snapshotIndex = index;
    this.confIndexes = this.confIndexes.filter((i) => i > index);
  }

  /**
   * Installs a snapshot at (index, term) that the state machine was restored to: keeps the entries
   * after it if the log holds that entry, otherwise starts over empty after it. Commit and applied
   * move up to `index`.
   */
  restore(index: number, term: number): void {
    if (this.matchTerm(index, term) && index >= this.snapshotIndex) {
      this.applied = Math.max(this.applied, index);
      this.committed = Math.max(this.committed, index);
      // Entries up to `index` not yet durable are covered by the snapshot the storage records.
      this.stabled = Math.max(this.stabled, index);
      this.compact(index);
      return;
    }
    this.entries = [];
    this.confIndexes = [];
    this.snapshotIndex = index;
    this.snapshotTerm = term;
    this.stabled = index;
    this.committed = index;
    this.applied = index;
  }

  /** Index of the latest ConfChange entry in the log, or 0 when there is none after the snapshot. */
  lastConfIndex(): number {
    return this.confIndexes[this.confIndexes.length - 1] ?? 0;
  }

  /** The entry at `index` (which must be in memory). */
  entryAt(index: number): Entry {
    const e = this.entries[index - this.snapshotIndex - 1];
    if (e === undefined) throw new RaftError('RAFT_INVARIANT', `no entry ${index} in memory`);
    return e;
  }

  hasNextCommittedEntries(): boolean {
    return this.committed > this.applied;
  }
}
