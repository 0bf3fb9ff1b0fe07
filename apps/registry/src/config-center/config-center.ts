import type { Storage } from '@reg/storage';
import type { CpWriter } from '../consensus/consensus.js';
import type { ConfigCommand } from './config-commands.js';
import { validateConfigCommand } from './config-commands.js';
import { type CommandResult, type CommandResults, executeConfigCommand } from './config-executor.js';
import type { ConfigStorageKind } from './config-state-machine.js';
import type { ListenerHub } from './listener-hub.js';
import { ReadBarrierBatcher } from './read-barrier-batcher.js';

export interface ConfigCenterOptions {
  readonly storage: Storage;
  readonly kind: ConfigStorageKind;
  readonly hub: ListenerHub;
  /** The `config` module's writer in the consensus plane. */
  readonly writer: CpWriter<ConfigCommand, CommandResult>;
  /** `consensus.readBarrier`. */
  readonly readBarrier: () => Promise<void>;
  readonly logger: { warn(obj: object, msg: string): void };
  /** The clock of direct (MySQL) writes; tests pass a fixed one. */
  readonly now?: () => number;
}

/** What a handler may choose for a read. */
export interface ReadOptions {
  /**
   * Skip the read barrier and read this member's store as it is: faster, but it may miss a write
   * acknowledged elsewhere a moment ago. Only an explicit opt-in (`?consistency=stale`) sets it.
   */
  readonly stale?: boolean;
}

/**
 * The config center as the HTTP handlers see it: commands in, results out, and reads that are
 * linearizable at every member. It hides where the data lives:
 *
 * - **embedded**: commands go through the Raft log and each member's state machine writes its own
 *   LevelDB; a read first passes a (batched) read barrier, so it sees every write acknowledged
 *   anywhere before it began.
 * - **mysql**: this member writes the shared database itself (the adapter's transaction makes the
 *   config row, its history row and `casMd5` atomic), then sends a `notify` through the log so
 *   every member's long polls answer. Reads go to the database, which is already linearizable.
 */
export class ConfigCenter {
  readonly storage: Storage;
  readonly kind: ConfigStorageKind;
  readonly hub: ListenerHub;
  readonly #options: ConfigCenterOptions;
  readonly #batcher: ReadBarrierBatcher;

  constructor(options: ConfigCenterOptions) {
    this.#options = options;
    this.storage = options.storage;
    this.kind = options.kind;
    this.hub = options.hub;
    this.#batcher = new ReadBarrierBatcher(options.readBarrier);
  }

  /** Runs a write command and resolves its result. Rejects with RegistryError for bad input or no leader. */
  async execute<C extends Exclude<ConfigCommand, { op: 'notify' }>>(
    command: C,
  ): Promise<CommandResults[C['op']]> {
    const checked = validateConfigCommand(command);
    if (this.kind === 'embedded') {
      return (await this.#options.writer.submit(checked)) as CommandResults[C['op']];
    }
    const now = this.#options.now?.() ?? Date.now();
    const done = await executeConfigCommand(this.storage, checked, now, { dedupe: false });
    if (done.changed.length > 0) {
      // Our own polls answer at once; the other members' when the notify is applied there.
      for (const key of done.changed) this.hub.notify(key, now);
      try {
        await this.#options.writer.submit({ op: 'notify', keys: done.changed });
      } catch (err) {
        // The write stands. Pollers elsewhere compare md5s on their next poll (within one hold).
        this.#options.logger.warn({ err, keys: done.changed.length }, 'config change notify failed');
      }
    }
    return done.result as CommandResults[C['op']];
  }

  /** Runs `read` against the store after the read barrier (unless `stale`). */
  async read<T>(read: (storage: Storage) => Promise<T>, options: ReadOptions = {}): Promise<T> {
    if (this.kind === 'embedded' && options.stale !== true) await this.#batcher.wait();
    return read(this.storage);
  }
}
