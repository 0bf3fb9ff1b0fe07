import { type FSWatcher, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { MemberAddress } from './address.js';
import { parseClusterConf } from './cluster-conf.js';
import { Emitter, type Unsubscribe } from './emitter.js';
import { MembershipError } from './errors.js';
import { type Logger, noopLogger } from './logger.js';
import type { MemberTable } from './member-table.js';
import { systemTimers, type TimerHandle, type Timers } from './timers.js';

const UNREADABLE = Symbol('unreadable');

/** The member list changed. Emitted once per effective edit (same list → no event). */
export interface ClusterConfChange {
  /** The whole new list, in file order. */
  readonly members: readonly MemberAddress[];
  readonly added: readonly MemberAddress[];
  readonly removed: readonly MemberAddress[];
}

/** Events of a {@link ClusterConfWatcher}. */
export interface ClusterConfWatcherEvents {
  change: (change: ClusterConfChange) => void;
  joined: (member: MemberAddress) => void;
  left: (member: MemberAddress) => void;
  /** An edit was rejected (bad lines, file deleted or unreadable, self removed); the last good list stays. */
  invalid: (error: MembershipError) => void;
}

/** Options for {@link ClusterConfWatcher}. */
export interface ClusterConfWatcherOptions {
  /** Path of cluster.conf. */
  readonly path: string;
  /** Quiet time after the last file event before re-reading (editors write in bursts). Default 100 ms. */
  readonly debounceMs?: number;
  /**
   * Interval of the polling backstop, which re-reads the file even without file events (network
   * file systems, missed events, or `fs.watch` unavailable). Default 2000 ms.
   */
  readonly pollIntervalMs?: number;
  /** Use polling only, no `fs.watch`. Default false (fs.watch plus the polling backstop). */
  readonly usePolling?: boolean;
  /**
   * When set, an edit whose list lacks this address is rejected as `MEMBERSHIP_SELF_NOT_MEMBER`
   * (also settable later with {@link ClusterConfWatcher.setRequiredSelf}).
   */
  readonly requireSelf?: string;
  /** Port for entries without one. Default 8848. */
  readonly defaultPort?: number;
  readonly timers?: Timers;
  readonly logger?: Logger;
}

/**
 * Watches cluster.conf and applies edits at runtime. Watches the **directory**, not the file, so
 * editors that save by writing a temp file and renaming it over cluster.conf are seen (a watch
 * on the old inode would go silent). Edits are debounced, re-read, parsed and diffed against the
 * last good list; only a real difference emits `change` (and one `joined`/`left` per member).
 *
 * Deleting the file does **not** empty the cluster: it is reported as `invalid`
 * (`MEMBERSHIP_FILE_UNREADABLE`) and the last good list stays, because a cluster shrunk to nobody
 * by a stray `rm` (or a non-atomic editor save) would lose quorum. Recreating the file applies it.
 */
export class ClusterConfWatcher {
  readonly #path: string;
  readonly #base: string;
  readonly #debounceMs: number;
  readonly #pollIntervalMs: number;
  readonly #usePolling: boolean;
  #requireSelf: string | undefined;
  readonly #defaultPort: number | undefined;
  readonly #timers: Timers;
  readonly #logger: Logger;
  readonly #events: Emitter<ClusterConfWatcherEvents>;
  #members: readonly MemberAddress[] = [];
  /**
   * Text last read (`null` = file missing, {@link UNREADABLE} = read failed), so an unchanged
   * file, or the same bad content or failure, is not re-reported at every poll.
   */
  #lastSeen: string | null | typeof UNREADABLE | undefined;
  #fsWatcher: FSWatcher | undefined;
  #debounce: TimerHandle | undefined;
  #poll: TimerHandle | undefined;
  #reloading: Promise<void> | undefined;
  #again = false;
  #starting = false;
  #state: 'idle' | 'running' | 'closed' = 'idle';

  constructor(options: ClusterConfWatcherOptions) {
    const debounceMs = options.debounceMs ?? 100;
    const pollIntervalMs = options.pollIntervalMs ?? 2000;
    if (typeof options.path !== 'string' || options.path.length === 0) {
      throw new MembershipError('MEMBERSHIP_INVALID_OPTION', 'path must be a non-empty string');
    }
    if (!Number.isFinite(debounceMs) || debounceMs < 0) {
      throw new MembershipError(
        'MEMBERSHIP_INVALID_OPTION',
        `debounceMs must be >= 0, got ${String(debounceMs)}`,
      );
    }
    if (!Number.isFinite(pollIntervalMs) || pollIntervalMs <= 0) {
      throw new MembershipError(
        'MEMBERSHIP_INVALID_OPTION',
        `pollIntervalMs must be > 0, got ${String(pollIntervalMs)}`,
      );
    }
    this.#path = options.path;
    this.#base = basename(options.path);
    this.#debounceMs = debounceMs;
    this.#pollIntervalMs = pollIntervalMs;
    this.#usePolling = options.usePolling ?? false;
    this.#requireSelf = options.requireSelf;
    this.#defaultPort = options.defaultPort;
    this.#timers = options.timers ?? systemTimers;
    this.#logger = options.logger ?? noopLogger;
    this.#events = new Emitter(this.#logger);
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof ClusterConfWatcherEvents>(event: K, listener: ClusterConfWatcherEvents[K]): Unsubscribe {
    return this.#events.on(event, listener);
  }

  /**
   * Sets (or clears) the address every accepted edit must contain. Self is usually known only
   * after {@link ClusterConfWatcher.start} returned the list, so it can be set then; from that
   * moment an edit that drops self is rejected as `MEMBERSHIP_SELF_NOT_MEMBER` and the watcher
   * never disagrees with a {@link MemberTable} (whose `update` refuses such a list).
   */
  setRequiredSelf(address: string | undefined): void {
    this.#requireSelf = address;
  }

  /** The current (last good) member list. */
  members(): readonly MemberAddress[] {
    return this.#members;
  }

  /**
   * Reads and parses the file, then starts watching. A bad file at startup is fatal: it rejects
   * (`MEMBERSHIP_FILE_UNREADABLE`, `MEMBERSHIP_BAD_LINE`, `MEMBERSHIP_SELF_NOT_MEMBER`) and
   * nothing is watched.
   */
  async start(): Promise<readonly MemberAddress[]> {
    if (this.#state !== 'idle' || this.#starting) {
      throw new MembershipError('MEMBERSHIP_CLOSED', 'watcher already started or closed');
    }
    this.#starting = true;
    let parsed: ReturnType<typeof parseClusterConf>;
    let text: string | null;
    try {
      text = await this.#read();
      // close() may have been called while the file was being read: then nothing is watched.
      if (this.#state !== 'idle')
        throw new MembershipError('MEMBERSHIP_CLOSED', 'watcher closed while starting');
      if (text === null) {
        throw new MembershipError('MEMBERSHIP_FILE_UNREADABLE', `${this.#path}: file not found`);
      }
      parsed = this.#parse(text);
      if (!parsed.ok) throw parsed.error;
    } finally {
      // A failed start may be retried once the file is fixed.
      this.#starting = false;
    }
    this.#members = parsed.members;
    this.#lastSeen = text;
    this.#state = 'running';
    if (!this.#usePolling) this.#watch();
    this.#schedulePoll();
    return this.#members;
  }

  /** Re-reads the file now (as a file event would) and resolves once it is applied or rejected. */
  async reload(): Promise<void> {
    if (this.#state !== 'running') throw new MembershipError('MEMBERSHIP_CLOSED', 'watcher is not running');
    if (this.#reloading !== undefined) {
      this.#again = true;
      return this.#reloading;
    }
    this.#reloading = (async () => {
      try {
        do {
          this.#again = false;
          await this.#reloadOnce();
        } while (this.#again && this.#state === 'running');
      } finally {
        this.#reloading = undefined;
      }
    })();
    return this.#reloading;
  }

  /** Stops watching and polling; waits for a reload in progress. Idempotent. */
  async close(): Promise<void> {
    this.#state = 'closed';
    this.#fsWatcher?.close();
    this.#fsWatcher = undefined;
    if (this.#debounce !== undefined) this.#timers.clearTimeout(this.#debounce);
    if (this.#poll !== undefined) this.#timers.clearTimeout(this.#poll);
    this.#debounce = undefined;
    this.#poll = undefined;
    await this.#reloading;
  }

  #watch(): void {
    try {
      this.#fsWatcher = watch(dirname(this.#path), { persistent: false }, (_event, filename) => {
        // filename may be null on some platforms: then any event in the directory counts.
        if (filename === null || filename === this.#base) this.#scheduleReload();
      });
      this.#fsWatcher.on('error', (err) => {
        this.#logger.warn({ err, path: this.#path }, 'fs.watch failed; polling only');
        this.#fsWatcher?.close();
        this.#fsWatcher = undefined;
      });
    } catch (err) {
      this.#logger.warn({ err, path: this.#path }, 'fs.watch unavailable; polling only');
    }
  }

  #scheduleReload(): void {
    if (this.#state !== 'running') return;
    if (this.#debounce !== undefined) this.#timers.clearTimeout(this.#debounce);
    this.#debounce = this.#timers.setTimeout(() => {
      this.#debounce = undefined;
      this.#reloadQuietly();
    }, this.#debounceMs);
  }

  #schedulePoll(): void {
    this.#poll = this.#timers.setTimeout(() => {
      this.#poll = undefined;
      if (this.#state !== 'running') return;
      this.#reloadQuietly();
      this.#schedulePoll();
    }, this.#pollIntervalMs);
  }

  #reloadQuietly(): void {
    if (this.#state !== 'running') return;
    this.reload().catch((err: unknown) => this.#logger.error({ err }, 'cluster.conf reload failed'));
  }

  async #reloadOnce(): Promise<void> {
    let text: string | null;
    try {
      text = await this.#read();
      // An editor writing in place truncates then writes; a read in between sees a half-written
      // file. Apply only content that stays the same for one debounce period (bounded retries).
      for (let i = 0; i < 5 && text !== this.#lastSeen && this.#debounceMs > 0; i++) {
        await new Promise<void>((resolve) => this.#timers.setTimeout(resolve, this.#debounceMs));
        if (this.#state !== 'running') return;
        const again = await this.#read();
        if (again === text) break;
        text = again;
      }
    } catch (err) {
      if (this.#state !== 'running' || this.#lastSeen === UNREADABLE) return;
      this.#reject(
        new MembershipError('MEMBERSHIP_FILE_UNREADABLE', `${this.#path}: cannot read`, { cause: err }),
        UNREADABLE,
      );
      return;
    }
    if (this.#state !== 'running' || text === this.#lastSeen) return;
    if (text === null) {
      this.#reject(
        new MembershipError(
          'MEMBERSHIP_FILE_UNREADABLE',
          `${this.#path}: file deleted; keeping the last good member list until it is recreated`,
        ),
        null,
      );
      return;
    }
    const parsed = this.#parse(text);
    if (!parsed.ok) {
      this.#reject(parsed.error, text);
      return;
    }
    this.#lastSeen = text;
    this.#apply(parsed.members);
  }

  #reject(error: MembershipError, seen: string | null | typeof UNREADABLE): void {
    this.#lastSeen = seen;
    this.#logger.warn({ code: error.code, path: this.#path, err: error }, 'cluster.conf edit rejected');
    this.#events.emit('invalid', error);
  }

  #apply(members: readonly MemberAddress[]): void {
    const before = new Set(this.#members.map((m) => m.address));
    const after = new Set(members.map((m) => m.address));
    const added = members.filter((m) => !before.has(m.address));
    const removed = this.#members.filter((m) => !after.has(m.address));
    this.#members = members;
    if (added.length === 0 && removed.length === 0) return;
    this.#logger.info(
      { added: added.map((m) => m.address), removed: removed.map((m) => m.address) },
      'cluster.conf changed',
    );
    this.#events.emit('change', { members, added, removed });
    for (const m of removed) this.#events.emit('left', m);
    for (const m of added) this.#events.emit('joined', m);
  }

  #parse(text: string): ReturnType<typeof parseClusterConf> {
    const parsed = parseClusterConf(text, {
      fileName: this.#path,
      ...(this.#defaultPort === undefined ? {} : { defaultPort: this.#defaultPort }),
    });
    if (
      parsed.ok &&
      this.#requireSelf !== undefined &&
      !parsed.members.some((m) => m.address === this.#requireSelf)
    ) {
      const listed = parsed.members.map((m) => m.address).join(', ');
      return {
        ok: false,
        error: new MembershipError(
          'MEMBERSHIP_SELF_NOT_MEMBER',
          `${this.#path}: self ${this.#requireSelf} is not in the edited member list: ${listed}`,
        ),
      };
    }
    return parsed;
  }

  /** The file's text, or `null` when it does not exist. Other read errors throw. */
  async #read(): Promise<string | null> {
    try {
      return await readFile(this.#path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      if (this.#state === 'idle') {
        throw new MembershipError('MEMBERSHIP_FILE_UNREADABLE', `${this.#path}: cannot read`, { cause: err });
      }
      throw err;
    }
  }
}
