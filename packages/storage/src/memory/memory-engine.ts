import { StorageError } from '../errors.js';
import type { EngineOp, EngineRange, OrderedEngine } from '../ordered/engine.js';
import { SortedKeys } from './sorted-keys.js';

/**
 * An {@link OrderedEngine} in memory: a sorted key array beside a map. Writes apply in one
 * synchronous step, so a batch is atomic by construction; iteration copies its range first, so it
 * reads the snapshot of the moment it was called.
 */
export class MemoryEngine implements OrderedEngine {
  private readonly keys = new SortedKeys();
  private readonly values = new Map<string, Uint8Array>();
  private isOpen = false;

  async open(): Promise<void> {
    this.isOpen = true;
  }

  async close(): Promise<void> {
    this.isOpen = false;
  }

  private check(): void {
    if (!this.isOpen) throw new StorageError('STORAGE_CLOSED', 'memory engine is closed');
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.check();
    return this.values.get(key);
  }

  iterate(range: EngineRange): AsyncIterable<readonly [string, Uint8Array]> {
    this.check();
    // Copied now: the iterator reads the snapshot of this moment, as the contract requires.
    const keys = this.keys.range(
      range.gte,
      range.lt,
      range.reverse === true,
      range.limit ?? Number.POSITIVE_INFINITY,
    );
    const rows = keys.map((key) => [key, this.values.get(key) as Uint8Array] as const);
    return {
      async *[Symbol.asyncIterator]() {
        yield* rows;
      },
    };
  }

  async write(ops: readonly EngineOp[]): Promise<void> {
    this.check();
    for (const op of ops) {
      if (op.type === 'put') {
        // Values are stored as private copies: callers may reuse their buffers.
        if (!this.values.has(op.key)) this.keys.insert(op.key);
        this.values.set(op.key, new Uint8Array(op.value));
      } else if (this.values.delete(op.key)) {
        this.keys.delete(op.key);
      }
    }
  }
}
