import type { Entry, SnapshotMetadata, StateMachine } from '@reg/raft';
import type { KvChunk, StorageSnapshot } from '@reg/storage';
import type { Logger } from 'pino';
import type { AppliedCheckpoint } from './applied-checkpoint.js';
import { decodeCommand, NOOP_MODULE } from './command-codec.js';
import type { CpModule } from './consensus.js';
import type { Outcome } from './cp-errors.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot-codec.js';

/** Module names are written into every log entry: keep them short and plain. */
const MODULE_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** How long an applied index may wait before it is checkpointed (lagging is safe, see below). */
const DEFAULT_CHECKPOINT_DELAY_MS = 100;

export interface CommandDispatcherOptions {
  readonly checkpoint: AppliedCheckpoint;
  readonly logger: Logger;
  readonly checkpointDelayMs?: number;
  /**
   * The storage's whole-store snapshot (embedded storage; MySQL is shared and has none). With it,
   * and when every module can reload after a restore, Raft may compact the log and send snapshots.
   */
  readonly storageSnapshot?: StorageSnapshot;
}

/** Chunk size of the storage export inside a Raft snapshot. */
const EXPORT_CHUNK_BYTES = 256 * 1024;

/**
 * The one Raft state machine of a member: decodes each committed entry and hands it to the module
 * it names, after that module's `validate`. A command `validate` refuses at apply time is skipped
 * on every member alike (validation is deterministic) and the proposer gets the refusal. A throw
 * from `apply` is fatal: the Raft node stops rather than diverge.
 *
 * The last applied index is checkpointed in the background. The checkpoint may lag what modules
 * stored (modules are idempotent on a re-applied tail) but never lead it: it is written only
 * after `apply` resolved, into a store whose writes land in order.
 */
export class CommandDispatcher implements StateMachine<Outcome> {
  readonly #modules = new Map<string, CpModule<unknown, unknown>>();
  readonly #checkpoint: AppliedCheckpoint;
  readonly #logger: Logger;
  readonly #delayMs: number;
  readonly #storageSnapshot: StorageSnapshot | undefined;
  readonly #listeners = new Set<(index: number) => void>();
  readonly #unknownWarned = new Set<string>();
  #applied = 0;
  #saved = 0;
  #sealed = false;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  #saving: Promise<void> | undefined;

  constructor(options: CommandDispatcherOptions) {
    this.#checkpoint = options.checkpoint;
    this.#logger = options.logger;
    this.#delayMs = options.checkpointDelayMs ?? DEFAULT_CHECKPOINT_DELAY_MS;
    this.#storageSnapshot = options.storageSnapshot;
  }

  /** Adds a module; only before {@link load}. Throws on a bad or duplicate name. */
  register(module: CpModule<unknown, unknown>): void {
    if (this.#sealed) throw new Error(`module "${module.name}" registered after the consensus started`);
    if (typeof module.name !== 'string' || !MODULE_NAME.test(module.name)) {
      throw new Error(`module name ${JSON.stringify(module.name)} must match ${MODULE_NAME}`);
    }
    if (this.#modules.has(module.name)) throw new Error(`module "${module.name}" is registered twice`);
    this.#modules.set(module.name, module);
  }

  has(name: string): boolean {
    return this.#modules.has(name);
  }

  /** Reads the checkpoint; Raft replays only the entries after it. Closes registration. */
  async load(): Promise<number> {
    this.#sealed = true;
    this.#applied = await this.#checkpoint.load();
    this.#saved = this.#applied;
    return this.#applied;
  }

  /** The last index whose effects are durable with the checkpoint (what a restart resumes from). */
  appliedIndex(): number {
    return this.#saved;
  }

  /** The last index applied here (possibly not yet checkpointed). */
  lastApplied(): number {
    return this.#applied;
  }

  /**
   * Why snapshots are off, or undefined when they are on: they need the storage's snapshot
   * capability and a `restored` hook on every module (modules that keep state in memory must
   * reload it after a snapshot replaced the store).
   */
  snapshotsUnavailable(): string | undefined {
    if (this.#storageSnapshot === undefined) return 'the storage has no whole-store snapshot (MySQL)';
    const without = [...this.#modules.values()].filter((m) => m.restored === undefined).map((m) => m.name);
    if (without.length > 0) return `modules without a restored() hook: ${without.join(', ')}`;
    return undefined;
  }

  /**
   * What Raft drives: `apply`, the durable applied index and, when {@link snapshotsUnavailable}
   * is undefined, `snapshot`/`restore` so the log is compacted and far-behind members catch up
   * from a snapshot.
   */
  stateMachine(): StateMachine<Outcome> {
    const base: StateMachine<Outcome> = {
      apply: (entry) => this.apply(entry),
      appliedIndex: () => this.appliedIndex(),
    };
    const exporter = this.#storageSnapshot;
    if (exporter === undefined || this.snapshotsUnavailable() !== undefined) return base;
    return {
      ...base,
      snapshot: () => this.#snapshot(exporter),
      restore: (chunks, metadata) => this.#restore(exporter, chunks, metadata),
    };
  }

  #snapshot(exporter: StorageSnapshot): AsyncIterable<Uint8Array> {
    // Start the export now: it pins the store at the first pull, and entries applied after this
    // call must not show (those re-applied from the log would be harmless, but keep it exact).
    const rows = exporter.export({ chunkBytes: EXPORT_CHUNK_BYTES })[Symbol.asyncIterator]();
    const first = rows.next();
    first.catch(() => undefined);
    const pinned: AsyncIterable<KvChunk> = {
      [Symbol.asyncIterator]: () => {
        let started = false;
        return {
          next: () => {
            if (!started) {
              started = true;
              return first;
            }
            return rows.next();
          },
          return: async () => (await rows.return?.()) ?? { done: true, value: undefined },
        };
      },
    };
    return encodeSnapshot(pinned);
  }

  async #restore(
    exporter: StorageSnapshot,
    chunks: AsyncIterable<Uint8Array>,
    metadata: SnapshotMetadata,
  ): Promise<void> {
    const count = await exporter.import(decodeSnapshot(chunks));
    // The imported store carries the sender's checkpoint; this member is at the snapshot's index.
    await this.#checkpoint.save(metadata.index);
    this.#applied = metadata.index;
    this.#saved = metadata.index;
    for (const module of this.#modules.values()) await module.restored?.();
    this.#logger.info({ index: metadata.index, term: metadata.term, entries: count }, 'restored a snapshot');
    for (const listener of this.#listeners) listener(metadata.index);
  }

  /** Called after every applied entry with its index. Returns an unsubscribe function. */
  onApplied(listener: (index: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async apply(entry: Entry): Promise<Outcome> {
    const outcome = await this.#dispatch(entry);
    this.#advanceTo(entry.index);
    return { ...outcome, index: entry.index };
  }

  #advanceTo(index: number): void {
    this.#applied = index;
    this.#scheduleCheckpoint();
    for (const listener of this.#listeners) listener(index);
  }

  /**
   * Resolves true once this member applied `index` (at once if it has), false after `timeoutMs`.
   */
  waitApplied(index: number, timeoutMs: number): Promise<boolean> {
    if (this.#applied >= index) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(false);
      }, timeoutMs);
      const off = this.onApplied((applied) => {
        if (applied < index) return;
        clearTimeout(timer);
        off();
        resolve(true);
      });
    });
  }

  async #dispatch(entry: Entry): Promise<Outcome> {
    let command: ReturnType<typeof decodeCommand>;
    try {
      command = decodeCommand(entry.data);
    } catch (err) {
      // Identical bytes on every member: skipping is deterministic, so replicas stay equal.
      this.#logger.error({ err, index: entry.index }, 'skipped a log entry that is not a command');
      return { ok: false, error: err as Error };
    }
    if (command.m === NOOP_MODULE) return { ok: true, value: entry.index };
    const module = this.#modules.get(command.m);
    if (module === undefined) {
      if (!this.#unknownWarned.has(command.m)) {
        this.#unknownWarned.add(command.m);
        this.#logger.warn(
          { module: command.m, index: entry.index },
          'skipping commands of a module this member does not run',
        );
      }
      return { ok: false, error: new Error(`module "${command.m}" does not run on this member`) };
    }
    let validated: unknown;
    try {
      validated = module.validate(command.c);
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err : new Error(String(err)) };
    }
    const value = await module.apply(validated, { index: entry.index, term: entry.term, time: command.t });
    return { ok: true, value };
  }

  #scheduleCheckpoint(): void {
    if (this.#closed || this.#timer !== undefined || this.#saving !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#save();
    }, this.#delayMs);
    this.#timer.unref();
  }

  #save(): Promise<void> {
    if (this.#saving !== undefined) return this.#saving;
    const index = this.#applied;
    if (index <= this.#saved) return Promise.resolve();
    const saving = this.#checkpoint
      .save(index)
      .then(
        () => {
          this.#saved = Math.max(this.#saved, index);
        },
        (err: unknown) => {
          // A lagging checkpoint only costs a longer replay at the next start.
          this.#logger.warn({ err, index }, 'could not checkpoint the applied index');
        },
      )
      .finally(() => {
        this.#saving = undefined;
        if (this.#applied > this.#saved) this.#scheduleCheckpoint();
      });
    this.#saving = saving;
    return saving;
  }

  /** Writes the applied index now and stops checkpointing (at shutdown, once Raft stopped). */
  async flush(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#saving !== undefined) await this.#saving;
    await this.#save();
  }
}
