import { MembershipError } from './errors.js';
import { type Logger, noopLogger } from './logger.js';
import type { Member } from './member.js';
import type { NacosMemberJson } from './member-json.js';
import type { MemberTable } from './member-table.js';
import { systemTimers, type TimerHandle, type Timers } from './timers.js';

/**
 * Sends this member's report to one peer: the interface the registry implements over its peer
 * transport (or uses {@link HttpMemberReporter} for the Nacos HTTP endpoint).
 *
 * Resolve when the peer accepted the report; reject when it did not. Reject with an error whose
 * `code` (or a `cause`'s) is `ECONNREFUSED`, or that has `refused: true`, when the peer's port is
 * closed: that marks the peer DOWN at once, as Nacos does. Honour `signal`: it aborts at the
 * report timeout and on stop (the reporter also stops waiting on its own then).
 */
export interface MemberReporter {
  report(target: Member, self: NacosMemberJson, signal: AbortSignal): Promise<void>;
}

/** Options for {@link HealthReporter}. */
export interface HealthReporterOptions {
  readonly table: MemberTable;
  readonly reporter: MemberReporter;
  /** Time between report rounds. Nacos: 2000 ms. */
  readonly intervalMs?: number;
  /** A report not settled after this long counts as a failure (not refused). Default `intervalMs`. */
  readonly timeoutMs?: number;
  /**
   * `round-robin` (Nacos): each round reports to the next peer in address order.
   * `all`: each round reports to every peer (faster detection, n-1 messages per round).
   */
  readonly mode?: 'round-robin' | 'all';
  readonly timers?: Timers;
  readonly logger?: Logger;
}

/** True when `err`, or any error in its `cause` chain, says the connection was refused. */
export function isConnectionRefused(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 8 && typeof e === 'object' && e !== null; depth++) {
    const rec = e as { code?: unknown; refused?: unknown; cause?: unknown };
    if (rec.code === 'ECONNREFUSED' || rec.refused === true) return true;
    e = rec.cause;
  }
  return false;
}

/**
 * Reports this member to its peers periodically and feeds each outcome into the table. At most
 * one report per peer is in flight: a peer still answering the last report is skipped this round.
 */
export class HealthReporter {
  readonly #table: MemberTable;
  readonly #reporter: MemberReporter;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #mode: 'round-robin' | 'all';
  readonly #timers: Timers;
  readonly #logger: Logger;
  readonly #inFlight = new Map<string, { abort: AbortController; done: Promise<void> }>();
  #cursor = 0;
  #timer: TimerHandle | undefined;
  #state: 'idle' | 'running' | 'stopped' = 'idle';

  constructor(options: HealthReporterOptions) {
    const intervalMs = options.intervalMs ?? 2000;
    const timeoutMs = options.timeoutMs ?? intervalMs;
    for (const [name, v] of [
      ['intervalMs', intervalMs],
      ['timeoutMs', timeoutMs],
    ] as const) {
      if (!Number.isFinite(v) || v <= 0) {
        throw new MembershipError(
          'MEMBERSHIP_INVALID_OPTION',
          `${name} must be a positive number, got ${String(v)}`,
        );
      }
    }
    const mode = options.mode ?? 'round-robin';
    if (mode !== 'round-robin' && mode !== 'all') {
      throw new MembershipError(
        'MEMBERSHIP_INVALID_OPTION',
        `mode must be 'round-robin' or 'all', got ${String(mode)}`,
      );
    }
    this.#table = options.table;
    this.#reporter = options.reporter;
    this.#intervalMs = intervalMs;
    this.#timeoutMs = timeoutMs;
    this.#mode = mode;
    this.#timers = options.timers ?? systemTimers;
    this.#logger = options.logger ?? noopLogger;
  }

  /** Starts the periodic rounds; the first one runs after `intervalMs`. */
  start(): void {
    if (this.#state === 'stopped')
      throw new MembershipError('MEMBERSHIP_CLOSED', 'health reporter is stopped');
    if (this.#state === 'running') return;
    this.#state = 'running';
    this.#schedule();
  }

  /**
   * Runs one round now and resolves when its reports have settled and been recorded. Rounds
   * started by the timer do not wait for each other (a slow peer must not delay the others).
   */
  async reportOnce(): Promise<void> {
    if (this.#state === 'stopped')
      throw new MembershipError('MEMBERSHIP_CLOSED', 'health reporter is stopped');
    const peers = this.#table.peers();
    if (peers.length === 0) return;
    let targets: Member[];
    if (this.#mode === 'all') {
      targets = peers;
    } else {
      const target = peers[this.#cursor % peers.length]!;
      this.#cursor = (this.#cursor + 1) % peers.length;
      targets = [target];
    }
    await Promise.all(targets.map((t) => this.#reportTo(t)));
  }

  /** Stops the rounds, aborts reports in flight and waits for them; their outcomes are dropped. */
  async stop(): Promise<void> {
    this.#state = 'stopped';
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    const pending = [...this.#inFlight.values()];
    for (const p of pending)
      p.abort.abort(new MembershipError('MEMBERSHIP_CLOSED', 'health reporter stopped'));
    await Promise.all(pending.map((p) => p.done));
  }

  #schedule(): void {
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      if (this.#state !== 'running') return;
      this.reportOnce().catch((err: unknown) => this.#logger.error({ err }, 'report round failed'));
      this.#schedule();
    }, this.#intervalMs);
  }

  #reportTo(target: Member): Promise<void> {
    const existing = this.#inFlight.get(target.address);
    if (existing !== undefined) return existing.done;
    // Serialise first: a throwing extendInfo hook must fail this round before any timer is set.
    const self = this.#table.toNacosJson(this.#table.self.address);
    const abort = new AbortController();
    const timeout = this.#timers.setTimeout(() => {
      abort.abort(new MembershipError('MEMBERSHIP_REPORT_FAILED', `report to ${target.address} timed out`));
    }, this.#timeoutMs);
    // Race the reporter against the abort signal so a reporter that ignores the signal cannot
    // hold the in-flight slot forever.
    const aborted = new Promise<never>((_, reject) => {
      abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true });
    });
    const attempt = Promise.race([
      Promise.resolve().then(() => this.#reporter.report(target, self, abort.signal)),
      aborted,
    ]);
    const done = attempt.then(
      () => this.#record(target, { ok: true }),
      (err: unknown) => {
        const refused = !abort.signal.aborted && isConnectionRefused(err);
        this.#logger.debug({ member: target.address, err, refused }, 'report failed');
        this.#record(target, { ok: false, refused });
      },
    );
    const entry = {
      abort,
      done: done.finally(() => {
        this.#timers.clearTimeout(timeout);
        this.#inFlight.delete(target.address);
      }),
    };
    // `aborted` rejects on every abort; nothing else awaits it once the race settled.
    aborted.catch(() => {});
    this.#inFlight.set(target.address, entry);
    return entry.done;
  }

  #record(target: Member, outcome: { ok: true } | { ok: false; refused: boolean }): void {
    if (this.#state === 'stopped') return;
    this.#table.recordReport(target.address, outcome);
  }
}
