/**
 * The App messages in flight to one follower, as the last index each one carried, in send order.
 * A ring buffer bounded by `capacity` (maxInflightMsgs): when it is full the leader stops sending
 * to that follower until acknowledgements free slots (flow control, etcd's Inflights).
 */
export class Inflights {
  readonly capacity: number;
  #buffer: number[];
  #start = 0;
  #count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#buffer = new Array<number>(capacity).fill(0);
  }

  /** Messages in flight. */
  get count(): number {
    return this.#count;
  }

  /** True when no more messages may be sent. */
  full(): boolean {
    return this.#count === this.capacity;
  }

  /** Records a message whose last entry has `index`. Indexes must be added in increasing order. */
  add(index: number): void {
    if (this.full()) throw new Error('inflights: add to a full window');
    this.#buffer[(this.#start + this.#count) % this.capacity] = index;
    this.#count++;
  }

  /** Frees every message whose last index is <= `index` (they were acknowledged). */
  freeLE(index: number): void {
    while (this.#count > 0 && this.#buffer[this.#start]! <= index) {
      this.#start = (this.#start + 1) % this.capacity;
      this.#count--;
    }
    if (this.#count === 0) this.#start = 0;
  }

  /** Frees the oldest message (used when the follower answers a heartbeat but not the appends). */
  freeFirstOne(): void {
    if (this.#count === 0) return;
    this.#start = (this.#start + 1) % this.capacity;
    this.#count--;
    if (this.#count === 0) this.#start = 0;
  }

  /** Forgets everything in flight. */
  reset(): void {
    this.#start = 0;
    this.#count = 0;
  }
}
