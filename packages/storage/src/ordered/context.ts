import { StorageError } from '../errors.js';
import type { FaultInjector, FaultPoint } from '../storage.js';
import { decodeCounter } from './codec.js';
import type { EngineOp, EngineRange, OrderedEngine } from './engine.js';
import { HIGH } from './keys.js';

/**
 * Shared state of the stores of one {@link OrderedStorage}: the engine, the open flag, the write
 * lock and the fault hook.
 *
 * Why one write lock for every store: each write is read-modify-write (ids, md5 compare-and-set,
 * history content), and serialising them in process makes each one see the last committed state.
 * The engine batch is the commit point, so a lock holder that fails leaves nothing behind.
 */
export class Context {
  private state: 'new' | 'open' | 'closed' = 'new';
  private tail: Promise<unknown> = Promise.resolve();
  private readonly armed = new Set<FaultPoint>();
  private readonly counters = new Map<string, number>();
  private prefix = '';
  readonly faults: FaultInjector = {
    failNext: (point) => {
      this.armed.add(point);
    },
    clear: () => {
      this.armed.clear();
    },
  };

  constructor(
    readonly engine: OrderedEngine,
    readonly now: () => number,
  ) {}

  setState(state: 'open' | 'closed'): void {
    this.state = state;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Throws `STORAGE_CLOSED` unless open. */
  checkOpen(): void {
    if (this.state !== 'open') {
      throw new StorageError(
        'STORAGE_CLOSED',
        this.state === 'new' ? 'storage is not open' : 'storage is closed',
      );
    }
  }

  /** Runs `fn` after every earlier write settled; writes never overlap. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(() => {
      this.checkOpen();
      return fn();
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Waits for every queued write (used by close). */
  drain(): Promise<unknown> {
    return this.tail;
  }

  /** Throws an injected fault if one is armed at `point` (one-shot). */
  maybeFail(point: FaultPoint): void {
    if (this.armed.delete(point)) {
      throw new StorageError('STORAGE_INJECTED_FAULT', `injected fault at ${point}`);
    }
  }

  /**
   * Reads a counter (config id, history nid), cached after the first read. Only writers holding
   * the lock change counters, and they call {@link setCounter} after their write committed, so the
   * cache never runs ahead of the engine (a failed write leaves it untouched).
   */
  async counter(key: string): Promise<number> {
    const cached = this.counters.get(key);
    if (cached !== undefined) return cached;
    const value = decodeCounter(await this.get(key), key);
    this.counters.set(key, value);
    return value;
  }

  /** Records a counter value that a committed write stored. */
  setCounter(key: string, value: number): void {
    this.counters.set(key, value);
  }

  /**
   * Every store key lives under the prefix of the live generation (`g<16 digits>!`), so a whole
   * snapshot can be imported beside the live data and made live by one write (see
   * `OrderedStorage.snapshot`). Stores use the methods below with unprefixed keys.
   */
  setGeneration(prefix: string): void {
    this.prefix = prefix;
    this.counters.clear();
  }

  get generationPrefix(): string {
    return this.prefix;
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.engine.get(this.prefix + key);
  }

  write(ops: readonly EngineOp[]): Promise<void> {
    if (ops.length === 0) return Promise.resolve();
    const p = this.prefix;
    return this.engine.write(ops.map((op) => ({ ...op, key: p + op.key })));
  }

  /** Iterates a range of store keys (a snapshot taken now), yielding unprefixed keys. */
  iterate(range: EngineRange): AsyncIterable<readonly [string, Uint8Array]> {
    const p = this.prefix;
    const rows = this.engine.iterate({
      ...range,
      gte: p + (range.gte ?? ''),
      lt: range.lt === undefined ? p + HIGH : p + range.lt,
    });
    return {
      async *[Symbol.asyncIterator]() {
        for await (const [k, v] of rows) yield [k.slice(p.length), v] as const;
      },
    };
  }

  /** Collects a bounded range into memory. */
  async collect(range: EngineRange): Promise<Array<readonly [string, Uint8Array]>> {
    const out: Array<readonly [string, Uint8Array]> = [];
    for await (const entry of this.iterate(range)) out.push(entry);
    return out;
  }

  /** Counts the keys of a range without keeping them. */
  async count(range: EngineRange): Promise<number> {
    let n = 0;
    for await (const _ of this.iterate(range)) n++;
    return n;
  }

  /** The time of a change: the caller's or now. */
  timeOf(time: number | undefined): number {
    return time ?? this.now();
  }
}
