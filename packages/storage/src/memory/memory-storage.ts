import { OrderedStorage } from '../ordered/ordered-storage.js';
import { MemoryEngine } from './memory-engine.js';

/** Options of {@link MemoryStorage}. */
export interface MemoryStorageOptions {
  /** Clock for changes without an explicit `time` (default `Date.now`). */
  readonly now?: () => number;
}

/**
 * The in-memory `Storage`: tests, single-process demos, and the reference the conformance suite
 * is written against. Nothing survives the process. Fault injection is always available.
 */
export class MemoryStorage extends OrderedStorage {
  constructor(options: MemoryStorageOptions = {}) {
    super({
      engine: new MemoryEngine(),
      supports: { persistent: false, fourByteUtf8: true, faultInjection: true, snapshot: true },
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  }
}
