import type { Logger } from '../core/logger.js';
import { type Message, MessageType } from '../core/messages.js';
import type { RawNode } from '../core/raw-node.js';
import type { Entry, NodeId, SnapshotMetadata } from '../core/types.js';
import { RaftError } from '../errors.js';
import type { LogStorage, PersistedState } from '../storage/log-storage.js';
import type { SnapshotChunks, StateMachine } from './interfaces.js';
import { SnapshotReceiver } from './snapshot-receiver.js';
import { SnapshotSender } from './snapshot-sender.js';

/** Compaction and snapshot-transfer settings of a `RaftNode` (see `RaftNodeOptions.snapshots`). */
export interface SnapshotOptions {
  /** Compact once this many applied entries are in the log past the compaction point. Default 10,000. */
  readonly compactAfterEntries?: number;
  /** ... or once this many payload bytes were applied since the last compaction. Default 64 MiB. */
  readonly compactAfterBytes?: number;
  /** Largest chunk of a streamed snapshot. Default 1 MiB. */
  readonly chunkBytes?: number;
}

/** The node internals the snapshot machinery works with. */
export interface SnapshotHost {
  readonly id: NodeId;
  readonly raw: RawNode;
  readonly storage: LogStorage;
  readonly stateMachine: StateMachine<unknown>;
  readonly logger: Logger;
  readonly electionTick: number;
  term(): number;
  applied(): number;
  /** The state machine was restored to `index`. */
  setApplied(index: number): void;
  send(messages: Message[]): void;
  schedule(): void;
  fail(err: RaftError): void;
  /** Resolves when no apply is in flight. */
  applyIdle(): Promise<void>;
}

async function* asAsync(source: SnapshotChunks): AsyncGenerator<Uint8Array> {
  yield* source;
}

/**
 * Snapshots for one `RaftNode`: automatic log compaction past the configured thresholds, streaming
 * snapshots to followers behind the compacted log, receiving them (staged in storage when it can,
 * so an interrupted transfer never touches the state machine), and the restart rule: state machine
 * from the saved snapshot, then the log tail.
 */
export class Snapshots {
  readonly #h: SnapshotHost;
  readonly #entries: number;
  readonly #bytes: number;
  readonly #sender: SnapshotSender;
  readonly #receiver: SnapshotReceiver;
  #bytesSinceCompaction = 0;
  #compacting = false;
  /** A compaction whose snapshot was saved, waiting for the loop to drop the log. */
  #readyToCompact: SnapshotMetadata | undefined;
  /** Set while the state machine is being restored: applies wait for it. */
  #gate: Promise<void> | undefined;

  constructor(h: SnapshotHost, o: SnapshotOptions = {}) {
    this.#h = h;
    this.#entries = o.compactAfterEntries ?? 10_000;
    this.#bytes = o.compactAfterBytes ?? 64 * 1024 * 1024;
    const chunkBytes = o.chunkBytes ?? 1024 * 1024;
    const timeout = 2 * h.electionTick;
    const io = { id: h.id, term: () => h.term(), send: (ms: Message[]) => h.send(ms) };
    this.#sender = new SnapshotSender(
      { ...io, report: (to, ok) => this.#report(to, ok) },
      chunkBytes,
      timeout,
    );
    this.#receiver = new SnapshotReceiver(
      { ...io, wants: (m) => this.#wants(m), receive: (m, chunks) => this.#receive(m, chunks) },
      timeout,
    );
  }

  /** The snapshot to restart from, if the saved one is ahead of the state machine; installs it in the log too. */
  static async prepareStart(
    storage: LogStorage,
    sm: StateMachine<unknown>,
    state: PersistedState,
  ): Promise<{ state: PersistedState; applied: number }> {
    let applied = sm.appliedIndex?.() ?? 0;
    const saved = await storage.loadSnapshot?.();
    if (saved !== undefined && saved.snapshot.index > applied && sm.restore !== undefined) {
      if (saved.snapshot.index > state.snapshot.index) {
        // Saved but not yet recorded in the log (a crash in between): record it now.
        if (storage.installSnapshot !== undefined) await storage.installSnapshot(saved.snapshot);
        else await storage.compact(saved.snapshot);
        state = await storage.load();
      }
      await sm.restore(saved.chunks, saved.snapshot);
      applied = saved.snapshot.index;
    }
    if (state.snapshot.index > applied) {
      throw new RaftError(
        'RAFT_STORAGE_INVALID',
        `the log is compacted to ${state.snapshot.index} but the state machine is at ${applied} and no snapshot can restore it`,
      );
    }
    return { state, applied };
  }

  /** Messages of the snapshot protocol arriving from the network; true when handled here. */
  route(m: Message): boolean {
    if (m.type === MessageType.SnapshotResp) {
      this.#sender.onResp(m);
      return true;
    }
    if (m.type === MessageType.Snapshot) {
      // A chunk from the leader; a Snapshot without data means nothing to a follower.
      this.#receiver.onChunk(m);
      return true;
    }
    return false;
  }

  /** The core asks for a snapshot for `m.to` (a Ready message): snapshot the state machine now. */
  send(m: Message): void {
    const sm = this.#h.stateMachine;
    if (this.#sender.sending(m.to)) return;
    if (sm.snapshot === undefined) {
      this.#h.logger.warn({ to: m.to }, 'follower needs a snapshot but the state machine cannot take one');
      this.#h.raw.reportSnapshot(m.to, false);
      return;
    }
    const meta = this.#h.raw.snapshotMetadata(this.#h.applied());
    this.#sender.start(m.to, meta, sm.snapshot());
  }

  onTick(): void {
    this.#sender.onTick();
    this.#receiver.onTick();
  }

  /** Leadership lost or node stopping. */
  abortSends(): void {
    this.#sender.abortAll();
  }

  stop(err: Error): void {
    this.#sender.abortAll();
    this.#receiver.abort(err);
  }

  /** Resolves when applying may go on (no restore running). */
  get gate(): Promise<void> | undefined {
    return this.#gate;
  }

  /** Applied entries count towards the byte threshold. */
  onApplied(entries: readonly Entry[]): void {
    for (const e of entries) this.#bytesSinceCompaction += e.data.byteLength;
  }

  /**
   * Between Readies: compacts when due. A state machine that persists itself is compacted to its
   * durable applied index at once; otherwise its snapshot is first saved (in the background) and
   * the log dropped when that is done.
   */
  async maybeCompact(): Promise<void> {
    const h = this.#h;
    const ready = this.#readyToCompact;
    if (ready !== undefined) {
      this.#readyToCompact = undefined;
      await this.#compactTo(ready.index);
      return;
    }
    const first = h.raw.firstIndex();
    const due = h.applied() - first + 1 >= this.#entries || this.#bytesSinceCompaction >= this.#bytes;
    if (!due || this.#compacting || this.#gate !== undefined) return;
    const sm = h.stateMachine;
    if (sm.appliedIndex !== undefined) {
      const index = Math.min(h.applied(), sm.appliedIndex());
      if (index >= first) await this.#compactTo(index);
      return;
    }
    const save = h.storage.saveSnapshot;
    if (save === undefined || sm.snapshot === undefined || sm.restore === undefined) return;
    const meta = h.raw.snapshotMetadata(h.applied());
    this.#compacting = true;
    this.#bytesSinceCompaction = 0;
    save
      .call(h.storage, meta, asAsync(sm.snapshot()))
      .then(
        () => {
          this.#readyToCompact = meta;
          h.schedule();
        },
        (err: unknown) =>
          h.logger.warn({ err, index: meta.index }, 'saving a snapshot failed; log not compacted'),
      )
      .finally(() => {
        this.#compacting = false;
      });
  }

  async #compactTo(index: number): Promise<void> {
    if (index < this.#h.raw.firstIndex()) return;
    const meta = this.#h.raw.compact(index);
    this.#bytesSinceCompaction = 0;
    try {
      await this.#h.storage.compact(meta);
    } catch (cause) {
      throw new RaftError('RAFT_STORAGE_FAILED', 'compacting the raft log failed', { cause });
    }
    this.#h.logger.info({ index }, 'compacted the log');
  }

  #report(to: NodeId, ok: boolean): void {
    this.#h.raw.reportSnapshot(to, ok);
    this.#h.schedule();
  }

  #wants(m: Message): boolean {
    const { storage, stateMachine: sm, raw } = this.#h;
    const canKeep =
      sm.appliedIndex !== undefined ||
      (storage.saveSnapshot !== undefined && storage.loadSnapshot !== undefined);
    if (sm.restore === undefined || storage.installSnapshot === undefined || !canKeep) {
      this.#h.logger.warn(
        { from: m.from },
        'cannot take snapshots: needs StateMachine.restore and LogStorage snapshot methods',
      );
      return false;
    }
    return raw.wantsSnapshot(m);
  }

  /** Stages the stream in storage when it can (an interrupted transfer then changes nothing), then restores and installs. */
  async #receive(m: Message, chunks: AsyncIterable<Uint8Array>): Promise<boolean> {
    const { storage } = this.#h;
    if (storage.saveSnapshot !== undefined && storage.loadSnapshot !== undefined) {
      await storage.saveSnapshot(m.snapshot!, chunks);
      const saved = await storage.loadSnapshot();
      if (saved === undefined) throw new RaftError('RAFT_STORAGE_FAILED', 'the saved snapshot is gone');
      return this.#restore(m, saved.chunks);
    }
    return this.#restore(m, chunks);
  }

  async #restore(m: Message, chunks: AsyncIterable<Uint8Array>): Promise<boolean> {
    const h = this.#h;
    if (!h.raw.wantsSnapshot(m)) return false;
    let release = (): void => {};
    this.#gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      await h.applyIdle();
      if (!h.raw.wantsSnapshot(m)) return false;
      try {
        await h.stateMachine.restore!(chunks, m.snapshot!);
      } catch (cause) {
        // The state machine may be half replaced: it cannot be trusted to apply anything more.
        const err = new RaftError('RAFT_APPLY_FAILED', `restoring snapshot ${m.snapshot!.index} failed`, {
          cause,
        });
        h.fail(err);
        throw err;
      }
      const installed = h.raw.installSnapshot(m);
      h.setApplied(m.snapshot!.index);
      h.logger.info({ index: m.snapshot!.index, from: m.from }, 'restored snapshot');
      return installed;
    } finally {
      this.#gate = undefined;
      release();
      h.schedule();
    }
  }
}
