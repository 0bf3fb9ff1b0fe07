/**
 * One timer for many deadlines (request timeouts). It is armed for the earliest deadline it was
 * told about; when it fires, `sweep(now)` fails what expired and returns the earliest deadline
 * left, which re-arms it. Sequential requests with the same timeout never re-arm it (each new
 * deadline is later), so a round trip costs no timer work and the sweep runs about once per
 * timeout period. (A fixed 10 ms sweep interval measurably hurt round-trip p99.)
 */
export class DeadlineTimer {
  private timer: NodeJS.Timeout | undefined;
  private at = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(private readonly sweep: (now: number) => number) {}

  /** Makes sure the timer fires no later than `deadline` (a `performance.now()` value). */
  arm(deadline: number): void {
    if (this.stopped || (this.timer !== undefined && this.at <= deadline)) return;
    clearTimeout(this.timer);
    this.at = deadline;
    this.timer = setTimeout(() => this.fire(), Math.max(0, deadline - performance.now()) + 1);
  }

  /** Cancels the timer for good. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    this.at = Number.POSITIVE_INFINITY;
    const next = this.sweep(performance.now());
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  }
}
