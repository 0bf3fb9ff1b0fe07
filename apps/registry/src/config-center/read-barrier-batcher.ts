/**
 * Shares one linearizable read barrier among concurrent reads, so a burst of GETs costs one
 * ReadIndex round instead of one each.
 *
 * Correctness: a read may only join a barrier that *starts after* the read arrived; a barrier
 * already in flight may have fixed its read index before a write the reader saw acknowledged.
 * So a read arriving while a barrier runs waits for the next one, which starts as soon as the
 * running one ends and serves every read that queued meanwhile. At most two barriers exist per
 * member at a time: one running, one gathering.
 */
export class ReadBarrierBatcher {
  readonly #barrier: () => Promise<void>;
  #running = false;
  #next: { promise: Promise<void>; resolve(): void; reject(err: unknown): void } | undefined;

  constructor(barrier: () => Promise<void>) {
    this.#barrier = barrier;
  }

  /** Resolves once a barrier that started after this call has passed; rejects with its error. */
  wait(): Promise<void> {
    const gathering = this.#next;
    if (gathering !== undefined) return gathering.promise;
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#next = { promise, resolve, reject };
    // Start on the microtask queue, so reads issued in the same turn share this round.
    if (!this.#running) queueMicrotask(() => this.#start());
    return promise;
  }

  #start(): void {
    const batch = this.#next;
    if (batch === undefined || this.#running) return;
    this.#next = undefined;
    this.#running = true;
    let run: Promise<void>;
    try {
      run = this.#barrier();
    } catch (err) {
      run = Promise.reject(err);
    }
    run.then(batch.resolve, batch.reject).finally(() => {
      this.#running = false;
      this.#start();
    });
  }
}
