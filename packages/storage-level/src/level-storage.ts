import { OrderedStorage } from '@reg/storage';
import { LevelEngine } from './level-engine.js';

/** Options of {@link LevelStorage}. */
export interface LevelStorageOptions {
  /** The database folder (e.g. `data/storage`); created if missing. */
  readonly location: string;
  /** fsync every write; see `LevelEngineOptions.sync`. Default false. */
  readonly sync?: boolean;
  /** Expose `faults` (tests only): see `FaultInjector`. Default false. */
  readonly faultInjection?: boolean;
  /** Clock for changes without an explicit `time` (default `Date.now`). */
  readonly now?: () => number;
}

/**
 * The embedded default `Storage`: every store of `@reg/storage` over one LevelDB folder, with the
 * key layout in this package's README. One process at a time: a second open of the same folder
 * fails with `STORAGE_IO` (LevelDB's lock).
 */
export class LevelStorage extends OrderedStorage {
  readonly location: string;

  constructor(options: LevelStorageOptions) {
    super({
      engine: new LevelEngine({
        location: options.location,
        ...(options.sync === undefined ? {} : { sync: options.sync }),
      }),
      supports: {
        persistent: true,
        fourByteUtf8: true,
        faultInjection: options.faultInjection ?? false,
        snapshot: true,
      },
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    this.location = options.location;
  }
}
