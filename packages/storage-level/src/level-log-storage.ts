import { mkdir } from 'node:fs/promises';
import {
  type AppendBatch,
  confStateOf,
  EMPTY_HARD_STATE,
  type Entry,
  type HardState,
  type LogStorage,
  type PersistedState,
  RaftError,
  type SnapshotMetadata,
} from '@reg/raft';
import { type Logger, noopLogger } from '@reg/storage';
import { Level } from 'level';
import { mapLevelError } from './level-errors.js';
import { checkRecovery } from './level-recovery.js';
import { encodeEntries, encodeHardState, encodeSnapshot, LOG_KEYS } from './log-codec.js';
import { readLog } from './log-reader.js';
import { validateEntries, validateSnapshotMetadata } from './log-validation.js';
import { type LoadedSnapshot, SavedSnapshots } from './saved-snapshots.js';

/** Options of {@link LevelLogStorage}. */
export interface LevelLogStorageOptions {
  /** The folder of this node's log database (one per node, e.g. `data/raft-log`). */
  readonly location: string;
  readonly logger?: Logger;
}

type Db = Level<string, Uint8Array>;
type Batch = ReturnType<Db['batch']>;

/** Writes waiting for the next fsync: one LevelDB batch and everyone to tell when it is durable. */
interface Group {
  readonly batch: Batch;
  readonly waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }>;
  ops: number;
  /** False while the group only moves the commit index (see {@link LevelLogStorage.append}). */
  sync: boolean;
}

/**
 * A durable Raft log over LevelDB: `@reg/raft`'s `LogStorage`.
 *
 * - **Durability.** Every write that carries entries, a new term or vote, a compaction or a
 *   snapshot is a LevelDB batch written with `sync: true` (fsync of the WAL); its promise resolves
 *   only after that returned. A write that only raises the commit index is not fsynced on its own
 *   (etcd's `MustSync` rule): the commit index is recovered from the leader after a power loss, and
 *   every entry at or below it was already fsynced when it was appended. It is still written in
 *   order, so the next synced write (or the OS) makes it durable, and a process crash loses
 *   nothing.
 * - **Group commit.** Calls that arrive while a sync is in flight are merged into the next batch,
 *   so N overlapping appends cost one fsync, and they still apply in call order. Each call is
 *   validated on arrival against the state all earlier calls will produce, so a bad call rejects
 *   alone and changes nothing.
 * - **Atomicity.** Truncation of a conflicting suffix, the new entries and the hard state go in
 *   one batch; LevelDB applies a batch all-or-nothing, also across a crash.
 * - **Integrity.** Entries carry a CRC-32 and their index; {@link load} checks every entry,
 *   contiguity, term order and the commit index, and fails with `STORAGE_CORRUPTED` naming the
 *   database folder and entry instead of returning a damaged log.
 * - **Failure.** If a write fails the store stops: that call, every merged call and every later
 *   call reject with `RAFT_STORAGE_FAILED` (the driver then stops the node, as etcd does).
 */
export class LevelLogStorage implements LogStorage {
  readonly location: string;
  /** Created at load: abstract-level opens a database when constructed, and an unloaded log must not hold the lock. */
  private handle: Db | undefined;
  private readonly logger: Logger;
  private state: 'new' | 'loaded' | 'failed' | 'closed' = 'new';
  private failure: unknown;
  /** Projected state: what the store holds once every accepted call is durable. */
  private hardState: HardState = EMPTY_HARD_STATE;
  private snapshot: SnapshotMetadata = { index: 0, term: 0, confState: confStateOf([]) };
  /** `terms[i]` is the term of entry `snapshot.index + 1 + i`. */
  private terms: number[] = [];
  private pending: Group | undefined;
  private opening: Promise<PersistedState> | undefined;
  private inflight: Promise<void> | undefined;
  /** Number of fsyncs issued (for tests and benchmarks: shows group commit at work). */
  syncCount = 0;
  /** The state-machine snapshot kept beside the log (`saveSnapshot` / `loadSnapshot`). */
  private readonly saved: SavedSnapshots;

  constructor(options: LevelLogStorageOptions) {
    if (typeof options.location !== 'string' || options.location === '') {
      throw new RaftError('RAFT_INVALID_CONFIG', 'location must be a non-empty path');
    }
    this.location = options.location;
    this.logger = options.logger ?? noopLogger;
    this.saved = new SavedSnapshots({
      location: this.location,
      logger: this.logger,
      db: () => this.db,
      checkUsable: () => this.checkUsable(),
      stop: (err) => this.stop(err),
    });
  }

  private get db(): Db {
    if (this.handle === undefined) throw new RaftError('RAFT_STORAGE_FAILED', 'raft log is not open');
    return this.handle;
  }

  private get lastIndex(): number {
    return this.snapshot.index + this.terms.length;
  }

  private termAt(index: number): number {
    if (index === this.snapshot.index) return this.snapshot.term;
    return this.terms[index - this.snapshot.index - 1] ?? 0;
  }

  /**
   * Opens the database (first call) and returns everything durable, checked entry by entry. Later
   * calls wait for writes in flight and read again, which tests use to compare with the projection.
   */
  async load(): Promise<PersistedState> {
    if (this.state === 'new') return this.open();
    this.checkUsable();
    for (let i = 0; this.inflight !== undefined || this.pending !== undefined; i++) {
      if (i > 1_000_000) throw new RaftError('RAFT_STORAGE_FAILED', 'writes never settle');
      await (this.inflight ?? Promise.resolve());
    }
    this.checkUsable();
    try {
      return await this.read();
    } catch (err) {
      throw mapLevelError(err, this.location, 'load');
    }
  }

  /** Opens and reads once; concurrent first calls share it. */
  private open(): Promise<PersistedState> {
    this.opening ??= this.doOpen();
    return this.opening;
  }

  private async doOpen(): Promise<PersistedState> {
    try {
      await mkdir(this.location, { recursive: true });
      this.handle = new Level<string, Uint8Array>(this.location, {
        keyEncoding: 'utf8',
        valueEncoding: 'view',
      });
      await this.handle.open({ createIfMissing: true });
    } catch (err) {
      this.state = 'failed';
      this.failure = err;
      throw mapLevelError(err, this.location, 'open');
    }
    try {
      await checkRecovery(this.location);
      const result = await this.read();
      await this.saved.open();
      if (this.state === 'new') this.state = 'loaded';
      this.logger.info(
        {
          location: this.location,
          first: this.snapshot.index + 1,
          last: this.lastIndex,
          term: this.hardState.term,
        },
        'raft log loaded',
      );
      return result;
    } catch (err) {
      this.state = 'failed';
      this.failure = err;
      await this.db.close().catch(() => undefined);
      throw mapLevelError(err, this.location, 'load');
    }
  }

  private async read(): Promise<PersistedState> {
    const state = await readLog(this.db, this.location, this.snapshot);
    this.hardState = state.hardState;
    this.snapshot = state.snapshot;
    this.terms = state.entries.map((e) => e.term);
    return state;
  }

  private checkUsable(): void {
    if (this.state === 'loaded') return;
    if (this.state === 'failed') {
      throw new RaftError('RAFT_STORAGE_FAILED', `raft log at ${this.location} failed earlier`, {
        cause: this.failure,
      });
    }
    throw new RaftError(
      'RAFT_STORAGE_FAILED',
      this.state === 'new' ? 'raft log is not loaded: call load() first' : 'raft log is closed',
    );
  }

  async append(batch: AppendBatch): Promise<void> {
    // The driver calls load() first; a caller that does not gets the same lazy open.
    if (this.state === 'new') await this.open();
    this.checkUsable();
    const { entries, hardState } = batch;
    if (!Array.isArray(entries)) throw new RaftError('RAFT_STORAGE_INVALID', 'entries must be an array');
    if (hardState !== undefined) this.validateHardState(hardState);
    let keep = this.terms.length;
    if (entries.length > 0) {
      const first = (entries[0] as Entry).index;
      if (!Number.isSafeInteger(first) || first <= this.snapshot.index || first > this.lastIndex + 1) {
        throw new RaftError(
          Number.isSafeInteger(first) && first <= this.snapshot.index
            ? 'RAFT_STORAGE_COMPACTED'
            : 'RAFT_STORAGE_INVALID',
          `append at index ${first} outside (${this.snapshot.index}, ${this.lastIndex + 1}]`,
        );
      }
      keep = first - this.snapshot.index - 1;
      validateEntries(first, this.termAt(first - 1), entries);
    }
    const lastAfter = this.snapshot.index + keep + entries.length;
    if (hardState !== undefined && hardState.commit > lastAfter) {
      throw new RaftError(
        'RAFT_STORAGE_INVALID',
        `commit ${hardState.commit} beyond last index ${lastAfter}`,
      );
    }
    if (entries.length === 0 && hardState === undefined) return;
    // Validation done: record the projected state and queue the writes.
    const group = this.group();
    const oldLast = this.lastIndex;
    const values = encodeEntries(entries);
    for (let i = 0; i < entries.length; i++) {
      group.batch.put(LOG_KEYS.entry((entries[i] as Entry).index), values[i] as Uint8Array);
    }
    // Entries past the new end belong to the conflicting suffix: delete them in the same batch.
    for (let i = lastAfter + 1; i <= oldLast; i++) group.batch.del(LOG_KEYS.entry(i));
    if (hardState !== undefined) group.batch.put(LOG_KEYS.hardState, encodeHardState(hardState));
    group.ops += entries.length + 1;
    if (
      entries.length > 0 ||
      (hardState !== undefined &&
        (hardState.term !== this.hardState.term || hardState.vote !== this.hardState.vote))
    ) {
      group.sync = true;
    }
    if (entries.length > 0) {
      this.terms.length = keep;
      for (const e of entries) this.terms.push(e.term);
    }
    if (hardState !== undefined)
      this.hardState = { term: hardState.term, vote: hardState.vote, commit: hardState.commit };
    return this.commit(group);
  }

  async compact(snapshot: SnapshotMetadata): Promise<void> {
    if (this.state === 'new') await this.open();
    this.checkUsable();
    if (typeof snapshot !== 'object' || snapshot === null || !Number.isSafeInteger(snapshot.index)) {
      throw new RaftError('RAFT_STORAGE_INVALID', 'snapshot metadata is malformed');
    }
    const current = this.snapshot.index;
    if (snapshot.index < current)
      throw new RaftError('RAFT_STORAGE_COMPACTED', `compact to ${snapshot.index} below ${current}`);
    if (snapshot.index === current) return;
    if (snapshot.index > this.lastIndex) {
      throw new RaftError('RAFT_STORAGE_INVALID', `compact to ${snapshot.index} beyond ${this.lastIndex}`);
    }
    const term = this.termAt(snapshot.index);
    if (term !== snapshot.term) {
      throw new RaftError('RAFT_STORAGE_INVALID', `compact term ${snapshot.term} != entry term ${term}`);
    }
    const group = this.group();
    for (let i = current + 1; i <= snapshot.index; i++) group.batch.del(LOG_KEYS.entry(i));
    group.batch.put(LOG_KEYS.snapshot, encodeSnapshot(snapshot));
    group.ops += snapshot.index - current + 1;
    group.sync = true;
    this.terms = this.terms.slice(snapshot.index - current);
    this.snapshot = snapshot;
    return this.commit(group);
  }

  /**
   * Records a snapshot the state machine was restored from (received from a leader), in one
   * durable batch: entries after a matching `snapshot.index` entry are kept, otherwise the whole
   * log is dropped; the compaction point becomes `snapshot` and commit rises to its index.
   */
  async installSnapshot(snapshot: SnapshotMetadata): Promise<void> {
    if (this.state === 'new') await this.open();
    this.checkUsable();
    validateSnapshotMetadata(snapshot);
    const current = this.snapshot.index;
    if (snapshot.index < current) {
      throw new RaftError('RAFT_STORAGE_COMPACTED', `snapshot ${snapshot.index} below ${current}`);
    }
    const keep =
      snapshot.index === current
        ? snapshot.term === this.snapshot.term
        : snapshot.index <= this.lastIndex && this.termAt(snapshot.index) === snapshot.term;
    const dropTo = keep ? snapshot.index : this.lastIndex;
    const group = this.group();
    for (let i = current + 1; i <= dropTo; i++) group.batch.del(LOG_KEYS.entry(i));
    group.batch.put(LOG_KEYS.snapshot, encodeSnapshot(snapshot));
    group.ops += dropTo - current + 1;
    group.sync = true;
    this.terms = keep ? this.terms.slice(snapshot.index - current) : [];
    this.snapshot = snapshot;
    if (this.hardState.commit < snapshot.index) {
      this.hardState = { ...this.hardState, commit: snapshot.index };
      group.batch.put(LOG_KEYS.hardState, encodeHardState(this.hardState));
      group.ops += 1;
    }
    return this.commit(group);
  }

  /**
   * Stores a state-machine snapshot streamed as `chunks`, durably, replacing the previous one only
   * once the whole stream is stored (see {@link SavedSnapshots}). Runs beside log writes; saves
   * queue behind each other. A failing stream rejects with its own error and changes nothing.
   */
  async saveSnapshot(snapshot: SnapshotMetadata, chunks: AsyncIterable<Uint8Array>): Promise<void> {
    if (this.state === 'new') await this.open();
    this.checkUsable();
    validateSnapshotMetadata(snapshot);
    if (typeof chunks?.[Symbol.asyncIterator] !== 'function') {
      throw new RaftError('RAFT_STORAGE_INVALID', 'snapshot chunks must be an AsyncIterable');
    }
    return this.saved.save(snapshot, chunks);
  }

  /**
   * The snapshot {@link saveSnapshot} last stored, streamed and checked chunk by chunk (damage
   * throws `STORAGE_CORRUPTED` from the stream), or undefined when none was saved.
   */
  async loadSnapshot(): Promise<LoadedSnapshot | undefined> {
    if (this.state === 'new') await this.open();
    this.checkUsable();
    return this.saved.load();
  }

  private validateHardState(next: HardState): void {
    const prev = this.hardState;
    if (
      typeof next !== 'object' ||
      next === null ||
      !Number.isSafeInteger(next.term) ||
      !Number.isSafeInteger(next.vote) ||
      !Number.isSafeInteger(next.commit) ||
      next.vote < 0
    ) {
      throw new RaftError('RAFT_STORAGE_INVALID', 'hard state is malformed');
    }
    if (next.term < prev.term || (next.term === prev.term && prev.vote !== 0 && next.vote !== prev.vote)) {
      throw new RaftError('RAFT_STORAGE_INVALID', `hard state ${JSON.stringify(next)} regresses`);
    }
    if (next.commit < prev.commit)
      throw new RaftError('RAFT_STORAGE_INVALID', `commit ${next.commit} below ${prev.commit}`);
  }

  /** The batch the next fsync will write (opened on demand). */
  private group(): Group {
    this.pending ??= { batch: this.db.batch(), waiters: [], ops: 0, sync: false };
    return this.pending;
  }

  /** Resolves when `group` is durable; starts a write unless one is in flight. */
  private commit(group: Group): Promise<void> {
    const done = new Promise<void>((resolve, reject) => group.waiters.push({ resolve, reject }));
    if (this.inflight === undefined) this.inflight = this.flush();
    return done;
  }

  /** Writes queued groups one after another until none is left. */
  private async flush(): Promise<void> {
    try {
      for (let group = this.pending; group !== undefined; group = this.pending) {
        this.pending = undefined;
        try {
          if (group.sync) this.syncCount++;
          await group.batch.write({ sync: group.sync });
        } catch (err) {
          this.fail(mapLevelError(err, this.location, 'write'), group);
          return;
        }
        for (const w of group.waiters) w.resolve();
      }
    } finally {
      this.inflight = undefined;
    }
  }

  /** Stops the store after a failed write outside the group commit; returns the error to throw. */
  private stop(err: unknown): RaftError {
    if (this.state === 'loaded') {
      this.state = 'failed';
      this.failure = err;
      this.logger.error({ location: this.location, err }, 'raft log write failed; storage stopped');
    }
    return new RaftError('RAFT_STORAGE_FAILED', `raft log write failed at ${this.location}`, { cause: err });
  }

  /** Stops the store: the failed group and everything queued behind it reject. */
  private fail(err: unknown, group: Group): void {
    this.state = 'failed';
    this.failure = err;
    this.logger.error({ location: this.location, err }, 'raft log write failed; storage stopped');
    const failed = new RaftError('RAFT_STORAGE_FAILED', `raft log write failed at ${this.location}`, {
      cause: err,
    });
    const queued = this.pending;
    this.pending = undefined;
    for (const w of group.waiters) w.reject(failed);
    if (queued !== undefined) {
      void queued.batch.close().catch(() => undefined);
      for (const w of queued.waiters) w.reject(failed);
    }
  }

  /** Waits for writes in flight, then closes the database. Idempotent. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    await this.opening?.catch(() => undefined);
    await this.inflight?.catch(() => undefined);
    await this.saved.settle();
    if (this.handle === undefined) return;
    try {
      await this.handle.close();
    } catch (err) {
      throw mapLevelError(err, this.location, 'close');
    }
  }
}
