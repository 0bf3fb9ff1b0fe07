import {
  confStateOf,
  EMPTY_HARD_STATE,
  type Entry,
  type HardState,
  type SnapshotMetadata,
} from '../core/types.js';
import { RaftError } from '../errors.js';
import type { AppendBatch, LogStorage, PersistedState } from './log-storage.js';

/**
 * An in-memory {@link LogStorage}: "durable" for the life of the object. Use it for tests, for the
 * simulator and for nodes whose durability comes from elsewhere. A `MemoryLogStorage` can be handed
 * to a new `RaftNode` after the old one stopped, which models a process restart with intact disk.
 */
export class MemoryLogStorage implements LogStorage {
  #hardState: HardState = EMPTY_HARD_STATE;
  #snapshot: SnapshotMetadata = { index: 0, term: 0, confState: confStateOf([]) };
  #entries: Entry[] = [];
  #closed = false;
  #saved: { snapshot: SnapshotMetadata; chunks: Uint8Array[] } | undefined;

  /**
   * Optionally starts from a persisted state (e.g. one copied from another store) and a saved
   * snapshot (see {@link savedSnapshot}).
   */
  constructor(
    initial?: PersistedState,
    saved?: { snapshot: SnapshotMetadata; chunks: readonly Uint8Array[] },
  ) {
    if (saved !== undefined) this.#saved = { snapshot: saved.snapshot, chunks: [...saved.chunks] };
    if (initial !== undefined) {
      validateEntries(initial.snapshot.index + 1, initial.snapshot.term, initial.entries);
      this.#hardState = { ...initial.hardState };
      this.#snapshot = initial.snapshot;
      this.#entries = [...initial.entries];
    }
  }

  /**
   * The stored state, readable even after {@link close} (a test harness uses it to "reopen" the
   * same store in a new instance). Returns copies.
   */
  get state(): PersistedState {
    return { hardState: this.#hardState, snapshot: this.#snapshot, entries: [...this.#entries] };
  }

  /** Index of the last stored entry (the compaction point when the log is empty). */
  get lastIndex(): number {
    return this.#snapshot.index + this.#entries.length;
  }

  async load(): Promise<PersistedState> {
    this.#checkOpen();
    return { hardState: this.#hardState, snapshot: this.#snapshot, entries: [...this.#entries] };
  }

  async append(batch: AppendBatch): Promise<void> {
    this.#checkOpen();
    const { entries, hardState } = batch;
    if (hardState !== undefined) validateHardState(this.#hardState, hardState);
    let keep = this.#entries.length;
    if (entries.length > 0) {
      const first = entries[0]!.index;
      if (first <= this.#snapshot.index || first > this.lastIndex + 1) {
        throw new RaftError(
          first <= this.#snapshot.index ? 'RAFT_STORAGE_COMPACTED' : 'RAFT_STORAGE_INVALID',
          `append at index ${first} outside (${this.#snapshot.index}, ${this.lastIndex + 1}]`,
        );
      }
      keep = first - this.#snapshot.index - 1;
      const prevTerm = keep === 0 ? this.#snapshot.term : this.#entries[keep - 1]!.term;
      validateEntries(first, prevTerm, entries);
    }
    const lastAfter = this.#snapshot.index + keep + entries.length;
    if (hardState !== undefined && hardState.commit > lastAfter) {
      throw new RaftError(
        'RAFT_STORAGE_INVALID',
        `commit ${hardState.commit} beyond last index ${lastAfter}`,
      );
    }
    // Validation done: apply the whole batch at once.
    if (entries.length > 0) {
      this.#entries.length = keep;
      for (const e of entries) this.#entries.push(e);
    }
    if (hardState !== undefined) this.#hardState = { ...hardState };
  }

  async compact(snapshot: SnapshotMetadata): Promise<void> {
    this.#checkOpen();
    const current = this.#snapshot.index;
    if (snapshot.index < current) {
      throw new RaftError('RAFT_STORAGE_COMPACTED', `compact to ${snapshot.index} below ${current}`);
    }
    if (snapshot.index === current) return;
    if (snapshot.index > this.lastIndex) {
      throw new RaftError('RAFT_STORAGE_INVALID', `compact to ${snapshot.index} beyond ${this.lastIndex}`);
    }
    const at = this.#entries[snapshot.index - current - 1]!;
    if (at.term !== snapshot.term) {
      throw new RaftError('RAFT_STORAGE_INVALID', `compact term ${snapshot.term} != entry term ${at.term}`);
    }
    this.#entries = this.#entries.slice(snapshot.index - current);
    this.#snapshot = snapshot;
  }

  async installSnapshot(snapshot: SnapshotMetadata): Promise<void> {
    this.#checkOpen();
    const current = this.#snapshot.index;
    if (snapshot.index < current) {
      throw new RaftError(
        'RAFT_STORAGE_COMPACTED',
        `snapshot ${snapshot.index} below compaction point ${current}`,
      );
    }
    const at = this.#entries[snapshot.index - current - 1];
    const keep =
      snapshot.index === current ? snapshot.term === this.#snapshot.term : at?.term === snapshot.term;
    this.#entries = keep ? this.#entries.slice(snapshot.index - current) : [];
    this.#snapshot = snapshot;
    if (this.#hardState.commit < snapshot.index)
      this.#hardState = { ...this.#hardState, commit: snapshot.index };
  }

  async saveSnapshot(snapshot: SnapshotMetadata, chunks: AsyncIterable<Uint8Array>): Promise<void> {
    this.#checkOpen();
    const copy: Uint8Array[] = [];
    for await (const c of chunks) copy.push(c.slice());
    this.#checkOpen();
    this.#saved = { snapshot, chunks: copy };
  }

  async loadSnapshot(): Promise<
    { snapshot: SnapshotMetadata; chunks: AsyncIterable<Uint8Array> } | undefined
  > {
    this.#checkOpen();
    const saved = this.#saved;
    if (saved === undefined) return undefined;
    return {
      snapshot: saved.snapshot,
      chunks: (async function* () {
        for (const c of saved.chunks) yield c;
      })(),
    };
  }

  /** The snapshot {@link saveSnapshot} stored, readable even after {@link close} (to "reopen"). */
  get savedSnapshot(): { snapshot: SnapshotMetadata; chunks: readonly Uint8Array[] } | undefined {
    return this.#saved;
  }

  /** Bytes of the saved snapshot (tests). */
  get savedSnapshotBytes(): number {
    return this.#saved?.chunks.reduce((n, c) => n + c.byteLength, 0) ?? 0;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #checkOpen(): void {
    if (this.#closed) throw new RaftError('RAFT_STORAGE_FAILED', 'storage is closed');
  }
}

function validateEntries(firstIndex: number, prevTerm: number, entries: readonly Entry[]): void {
  let term = prevTerm;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.index !== firstIndex + i) {
      throw new RaftError('RAFT_STORAGE_INVALID', `entry ${i} has index ${e.index}, want ${firstIndex + i}`);
    }
    if (!Number.isSafeInteger(e.term) || e.term < term || e.term < 1) {
      throw new RaftError('RAFT_STORAGE_INVALID', `entry ${e.index} has term ${e.term} after term ${term}`);
    }
    if (!(e.data instanceof Uint8Array)) {
      throw new RaftError('RAFT_STORAGE_INVALID', `entry ${e.index} data is not a Uint8Array`);
    }
    term = e.term;
  }
}

function validateHardState(prev: HardState, next: HardState): void {
  if (next.term < prev.term || (next.term === prev.term && prev.vote !== 0 && next.vote !== prev.vote)) {
    throw new RaftError('RAFT_STORAGE_INVALID', `hard state ${JSON.stringify(next)} regresses`);
  }
  if (next.commit < prev.commit) {
    throw new RaftError('RAFT_STORAGE_INVALID', `commit ${next.commit} below ${prev.commit}`);
  }
}
