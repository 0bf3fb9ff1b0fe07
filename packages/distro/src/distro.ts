import { DistroError } from './errors.js';
import { type RouteContext, routeWrite, type WriteResult } from './forward.js';
import type { DistroMetrics, DistroNetwork, MemberView, Scheduler, TimerHandle } from './interfaces.js';
import { realScheduler } from './interfaces.js';
import { type Logger, noopLogger } from './logger.js';
import {
  type ChecksumMessage,
  type DigestMessage,
  type DistroMessage,
  MessageType,
  parseMessage,
  type WireEntry,
  type WireOp,
} from './messages.js';
import { type DistroOptions, type ResolvedTimings, resolveOptions } from './options.js';
import { answerPull, answerSnapshot, entriesOf } from './replies.js';
import { rankMembers, responsibleMember } from './responsibility.js';
import { loadSnapshotRound } from './snapshot-load.js';
import { type DistroEntry, type DistroStore, MemoryDistroStore } from './store.js';
import { SyncBatcher } from './sync-batcher.js';
import { TombstoneHorizon } from './tombstone-horizon.js';
import { buildChecksum, buildDigest, diffChecksum, mismatchedBuckets } from './verify.js';
import { compareVersions, HybridClock, type Version } from './version.js';

/**
 * The Distro engine of one member: AP replication of keyed data where every member holds every
 * key and each key has one responsible member (see the README for the full protocol and its
 * guarantees).
 *
 * Lifecycle: construct, `await start()` (loads a snapshot from a peer when there is one), serve
 * `get` locally and `put`/`delete`/`update` through the responsible member, `stop()`.
 * The registry delivers inbound `distro` frames to {@link Distro.handle}.
 */
export class Distro<V, O = never> {
  /** This member's id. */
  readonly self: string;
  private readonly members: MemberView;
  private readonly network: DistroNetwork;
  private readonly store: DistroStore<V>;
  private readonly scheduler: Scheduler;
  private readonly log: Logger;
  private readonly metrics: DistroMetrics;
  private readonly t: ResolvedTimings;
  private readonly clock: HybridClock;
  private readonly batcher: SyncBatcher;
  private readonly opts: DistroOptions<V, O>;
  private readonly router: RouteContext;
  private unsubscribe: (() => void) | undefined;
  private verifyTimer: TimerHandle | undefined;
  private retryTimer: TimerHandle | undefined;
  private retryWake: (() => void) | undefined;
  private started = false;
  private stopped = false;
  private isReady = false;
  /** True once this member holds a peer's full state (or started as the first member). */
  private loaded = false;
  private loading = false;
  /** Collected tombstones: which deletes this member may have forgotten. */
  private readonly horizon = new TombstoneHorizon();

  /** @throws DistroError `DISTRO_INVALID_OPTION` */
  constructor(opts: DistroOptions<V, O>) {
    this.t = resolveOptions(opts);
    this.opts = opts;
    this.members = opts.members;
    this.self = opts.members.self;
    this.network = opts.network;
    this.store = opts.store ?? new MemoryDistroStore<V>();
    this.scheduler = opts.scheduler ?? realScheduler;
    this.log = (opts.logger ?? noopLogger).child({ member: this.self });
    this.metrics = opts.metrics ?? {};
    this.clock = new HybridClock(this.self, () => this.scheduler.now());
    this.router = {
      self: this.self,
      network: this.network,
      timeoutMs: this.t.forwardTimeoutMs,
      metrics: this.metrics,
      log: this.log,
      applyLocal: (key, op) => this.applyLocal(key, op),
      observe: (v) => this.clock.observe(v),
      assertRunning: () => this.assertRunning(),
    };
    this.batcher = new SyncBatcher(this.scheduler, this.t.syncDelayMs, this.t.maxBatchKeys, (keys) =>
      this.sendBatch(keys),
    );
  }

  /** True after `start()` has loaded a snapshot (or found no peer to load from). */
  get ready(): boolean {
    return this.isReady;
  }

  /** Keys changed locally whose sync has not left yet. */
  get pendingSync(): number {
    return this.batcher.pending;
  }

  /**
   * Starts timers and membership tracking, then loads a full snapshot from the first healthy peer
   * that answers, retrying the round every `loadRetryDelayMs`. Resolves when ready. With no peer
   * in view (first member of a cluster) it is ready at once, and merges a peer's snapshot when one
   * first appears.
   *
   * @throws DistroError `DISTRO_STOPPED` if stopped before ready
   */
  async start(): Promise<void> {
    this.assertRunning();
    if (this.started) throw new DistroError('DISTRO_INVALID_OPTION', 'start() called twice');
    this.started = true;
    this.unsubscribe = this.members.onChange(() => this.onMembersChanged());
    this.scheduleVerify();
    await this.loadAtStart();
    this.isReady = true;
    this.log.info({ keys: this.store.size }, 'ready');
  }

  /**
   * Loads a snapshot before the member serves. Candidates are the listed peers when the view lists
   * members (a restarted member must not start empty just because no peer has reported healthy
   * yet: it would answer empty lists, and stale copies it later reduces could resurrect deletes),
   * else the healthy ones. With no candidate, or with no healthy one and none answering within
   * `startupGraceMs`, it starts empty and merges a peer's snapshot once one appears.
   */
  private async loadAtStart(): Promise<void> {
    const graceEnds = this.scheduler.now() + this.t.startupGraceMs;
    for (;;) {
      if (this.startCandidates().length === 0) {
        this.log.info({}, 'no peers, starting empty');
        return;
      }
      // While no peer is healthy, a silent one (a blackholed address) must not hold the start
      // long past the grace: its requests get what is left of it (at least 1 s).
      const timeoutMs =
        this.peers().length === 0
          ? Math.min(this.t.requestTimeoutMs, Math.max(1000, graceEnds - this.scheduler.now()))
          : this.t.requestTimeoutMs;
      if (await this.loadSnapshotRound(() => this.startCandidates(), timeoutMs)) return;
      const alone = this.peers().length === 0;
      const now = this.scheduler.now();
      if (alone && now >= graceEnds) {
        this.log.info({ graceMs: this.t.startupGraceMs }, 'no listed peer answered, starting empty');
        return;
      }
      const retryMs = alone
        ? Math.min(this.t.loadRetryDelayMs, 250, graceEnds - now)
        : this.t.loadRetryDelayMs;
      if (!alone) this.log.warn({ retryMs }, 'snapshot load failed, retrying');
      await this.sleep(retryMs);
      this.assertRunning();
    }
  }

  /** Peers to load a startup snapshot from: healthy ones first, then the other listed ones. */
  private startCandidates(): string[] {
    const healthy = this.peers();
    const listed = this.members.listedMembers?.() ?? [];
    const rest = listed.filter((m) => m !== this.self && !healthy.includes(m));
    return [...healthy, ...[...new Set(rest)].sort()];
  }

  /** Stops timers and tracking. Pending syncs are dropped (peers repair through verification). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.isReady = false;
    this.unsubscribe?.();
    this.batcher.close();
    if (this.verifyTimer !== undefined) this.scheduler.clearTimeout(this.verifyTimer);
    if (this.retryTimer !== undefined) this.scheduler.clearTimeout(this.retryTimer);
    this.retryWake?.();
  }

  /** Reads the local replica (never goes to the network). */
  get(key: string): V | undefined {
    return this.store.get(key)?.value;
  }

  /** The local entry for `key`, tombstones included. */
  entry(key: string): DistroEntry<V> | undefined {
    return this.store.get(key);
  }

  /** Every live key and value of the local replica. */
  *entries(): IterableIterator<[string, V]> {
    for (const [k, e] of this.store.entries()) if (!e.deleted) yield [k, e.value as V];
  }

  /** The member responsible for `key` in this member's current view. */
  responsibleFor(key: string): string {
    const members = this.members.healthyMembers();
    if (!members.includes(this.self)) return this.self;
    return responsibleMember(members, key) ?? this.self;
  }

  /** True when this member is responsible for `key` in its current view. */
  isResponsible(key: string): boolean {
    return this.responsibleFor(key) === this.self;
  }

  /** Stores `value` under `key` through the responsible member. */
  async put(key: string, value: V): Promise<WriteResult> {
    if (value === undefined) throw new DistroError('DISTRO_INVALID_VALUE', 'value must not be undefined');
    return this.write(key, { kind: 'put', value });
  }

  /** Deletes `key` (leaving a tombstone) through the responsible member. */
  async delete(key: string): Promise<WriteResult> {
    return this.write(key, { kind: 'delete' });
  }

  /** Runs `reduce(current, op)` at the responsible member and stores the result. */
  async update(key: string, op: O): Promise<WriteResult> {
    if (!this.opts.reduce) throw new DistroError('DISTRO_INVALID_OPTION', 'update() needs the reduce option');
    return this.write(key, { kind: 'update', op });
  }

  /**
   * Handles a message from peer `from` on the `distro` channel and returns the reply for requests
   * (undefined for one-way messages). A malformed message changes nothing.
   *
   * @throws DistroError `DISTRO_BAD_MESSAGE`, `DISTRO_STOPPED`
   */
  async handle(from: string, raw: unknown): Promise<DistroMessage | undefined> {
    this.assertRunning();
    const msg = parseMessage(raw);
    switch (msg.type) {
      case MessageType.Sync:
        this.checkValues(msg.entries);
        if (msg.repair) this.applyRepair(msg.entries);
        else for (const e of msg.entries) this.applyRemote(e);
        return undefined;
      case MessageType.Checksum:
        this.onChecksum(from, msg).catch((err: unknown) =>
          this.log.warn({ from, err: String(err) }, 'verify pull failed'),
        );
        return undefined;
      case MessageType.Digest:
        this.onDigest(from, msg).catch((err: unknown) =>
          this.log.warn({ from, err: String(err) }, 'verify failed'),
        );
        return undefined;
      case MessageType.ChecksumRequest:
        return buildChecksum(
          this.store,
          this.members.healthyMembers(),
          this.self,
          this.scheduler.now() - this.t.tombstoneTtlMs,
          msg.buckets,
        );
      case MessageType.Pull:
        return answerPull(this.store, msg.keys);
      case MessageType.Snapshot:
        return answerSnapshot(this.store, msg.fromBucket, msg.toBucket, this.isReady);
      case MessageType.Write: {
        const op = msg.op;
        if (op.kind === 'put' && this.opts.validateValue && !this.opts.validateValue(op.value)) {
          throw new DistroError('DISTRO_BAD_MESSAGE', 'forwarded value rejected by validateValue');
        }
        if (
          op.kind === 'update' &&
          (!this.opts.reduce || (this.opts.validateOp && !this.opts.validateOp(op.op)))
        ) {
          throw new DistroError('DISTRO_BAD_MESSAGE', 'forwarded operation rejected');
        }
        // A forwarded write is applied here even if this member's view names another owner:
        // the sender chose us by its view, and refusing would open a write gap while views differ.
        return { type: MessageType.WriteAck, version: this.applyLocal(msg.key, op) };
      }
      default:
        // Replies arriving as one-way messages are late duplicates; ignore them.
        return undefined;
    }
  }

  /** Runs one verification round now (normally driven by the verify timer). */
  verifyNow(): void {
    if (!this.isReady || this.stopped) return;
    const { digest, expired } = buildDigest(
      this.store,
      this.members.healthyMembers(),
      this.self,
      this.scheduler.now() - this.t.tombstoneTtlMs,
    );
    for (const k of expired) {
      this.horizon.record(k, this.store.get(k)?.version.t ?? 0);
      this.store.remove(k);
    }
    if (expired.length > 0) this.metrics.tombstonesCollected?.(expired.length);
    if (!this.loaded || this.loading) return;
    for (const p of this.peers()) this.network.send(p, digest);
  }

  private async write(key: string, op: WireOp): Promise<WriteResult> {
    this.assertRunning();
    if (typeof key !== 'string' || key.length === 0) {
      throw new DistroError('DISTRO_INVALID_KEY', 'key must be a non-empty string');
    }
    const members = this.members.healthyMembers();
    const order = members.includes(this.self) ? rankMembers(members, key) : [this.self];
    return routeWrite(this.router, order, key, op);
  }

  private applyLocal(key: string, op: WireOp): Version {
    const current = this.store.get(key);
    let value: V | undefined;
    if (op.kind === 'put') value = op.value as V;
    else if (op.kind === 'update') value = this.opts.reduce?.(current?.value, op.op as O, key);
    if (current) this.clock.observe(current.version);
    const version = this.clock.next();
    const entry: DistroEntry<V> = { version, deleted: value === undefined, value };
    this.store.set(key, entry);
    this.opts.onChange?.(key, value, version);
    this.batcher.mark(key);
    if (op.kind === 'delete' || (op.kind === 'update' && this.opts.syncAtOnce?.(op.op as O))) {
      this.batcher.flush();
    }
    return version;
  }

  /**
   * Keeps the newer of the local and the received entry. Returns true if the store changed.
   *
   * One case is ambiguous: this member has no record of the key, and the entry is not newer than
   * a tombstone this member already collected in the same hash bucket. It may be a copy of
   * something deleted here whose tombstone is gone, so adopting it could resurrect a delete. Such
   * an entry is refused and deleted everywhere with a fresh tombstone (Nacos deletes every key an
   * owner does not list; we do it only where a forgotten delete is possible). An entry this
   * member never knew of in a bucket with no collected tombstone since is always adopted.
   */
  private applyRemote(e: WireEntry): boolean {
    const local = this.store.get(e.key);
    if (local && compareVersions(local.version, e.version) >= 0) return false;
    this.clock.observe(e.version);
    if (!local && this.horizon.covers(e.key, e.version.t)) {
      if (!e.deleted) {
        this.log.info({ key: e.key }, 'refusing entry older than a collected tombstone, deleting');
        this.applyLocal(e.key, { kind: 'delete' });
      }
      return false;
    }
    const value = e.deleted ? undefined : (e.value as V);
    const merge = this.opts.merge;
    if (merge && local && !local.deleted && value !== undefined) {
      const merged = merge(local.value as V, value, e.key);
      if (merged !== value) {
        // The received write lacks something this member knows: store the join as a newer write.
        this.applyLocal(e.key, { kind: 'put', value: merged });
        return true;
      }
    }
    this.store.set(e.key, { version: e.version, deleted: e.deleted, value });
    this.opts.onChange?.(e.key, value, e.version);
    return true;
  }

  /** Entries a peer holds but this member (their owner) lacks or has older: adopt and re-sync. */
  private applyRepair(entries: readonly WireEntry[]): void {
    for (const e of entries) if (this.applyRemote(e)) this.batcher.mark(e.key);
  }

  /** Compares a peer's digest, then key by key the buckets that differ. */
  private async onDigest(from: string, msg: DigestMessage): Promise<void> {
    if (!this.isReady) return;
    const buckets = mismatchedBuckets(
      this.store,
      msg,
      from,
      this.members.healthyMembers(),
      this.scheduler.now() - this.t.tombstoneTtlMs,
    );
    if (buckets.length === 0 || this.stopped) return;
    const reply = parseMessage(
      await this.network.request(
        from,
        { type: MessageType.ChecksumRequest, buckets },
        this.t.requestTimeoutMs,
      ),
    );
    if (this.stopped || reply.type !== MessageType.Checksum) return;
    await this.onChecksum(from, reply);
  }

  private async onChecksum(from: string, msg: ChecksumMessage): Promise<void> {
    if (!this.isReady) return;
    const { stale, newer } = diffChecksum(
      this.store,
      msg,
      from,
      this.members.healthyMembers(),
      this.scheduler.now() - this.t.tombstoneTtlMs,
    );
    if (stale.length === 0 && newer.length === 0) return;
    this.metrics.verifyMismatch?.(from, stale.length, newer.length);
    this.log.debug({ from, stale: stale.length, newer: newer.length }, 'verify mismatch');
    for (let i = 0; i < newer.length; i += this.t.maxBatchKeys) {
      const entries = entriesOf(this.store, newer.slice(i, i + this.t.maxBatchKeys));
      this.network.send(from, { type: MessageType.Sync, entries, repair: true });
    }
    for (let i = 0; i < stale.length && !this.stopped; i += this.t.maxBatchKeys) {
      const reply = parseMessage(
        await this.network.request(
          from,
          { type: MessageType.Pull, keys: stale.slice(i, i + this.t.maxBatchKeys) },
          this.t.requestTimeoutMs,
        ),
      );
      if (this.stopped || reply.type !== MessageType.Entries) return;
      this.checkValues(reply.entries);
      for (const e of reply.entries) this.applyRemote(e);
    }
  }

  private sendBatch(keys: string[]): void {
    if (this.stopped) return;
    const entries = entriesOf(this.store, keys);
    if (entries.length === 0) return;
    const msg: DistroMessage = { type: MessageType.Sync, entries };
    const bytes = this.metrics.syncBatch ? JSON.stringify(msg).length : 0;
    for (const p of this.peers()) {
      this.network.send(p, msg);
      this.metrics.syncBatch?.(p, entries.length, bytes);
    }
  }

  private loadSnapshotRound(
    peers: () => readonly string[] = () => this.peers(),
    timeoutMs = this.t.requestTimeoutMs,
  ): Promise<boolean> {
    return loadSnapshotRound({
      network: this.network,
      timeoutMs,
      pageBuckets: this.t.snapshotPageBuckets,
      log: this.log,
      peers,
      checkValues: (entries) => this.checkValues(entries),
      install: (from, entries) => this.installSnapshot(from, entries),
      isStopped: () => this.stopped,
    });
  }

  private installSnapshot(from: string, entries: readonly WireEntry[]): void {
    for (const e of entries) this.applyRemote(e);
    this.loaded = true;
    this.metrics.snapshotLoaded?.(from, entries.length);
    this.log.info({ from, keys: entries.length }, 'snapshot loaded');
  }

  private onMembersChanged(): void {
    if (this.stopped) return;
    // Ownership may have moved: send what is pending now instead of after the window, so the new
    // owner builds on the latest state, then verify at once so the new owners' peers catch up.
    this.batcher.flush();
    if (!this.maybeMerge()) this.verifyNow();
  }

  /**
   * After starting alone, the first contact with peers merges a peer's full state before this
   * member sends checksums for keys it now owns (otherwise its empty view of them would be taken
   * as deletes of old entries). Returns true when a merge is under way.
   */
  private maybeMerge(): boolean {
    if (!this.isReady || this.loaded || this.stopped) return false;
    if (this.loading) return true;
    if (this.peers().length === 0) return false;
    this.loading = true;
    this.loadSnapshotRound()
      .catch(() => false)
      .then(() => {
        this.loading = false;
        this.verifyNow();
      });
    return true;
  }

  private scheduleVerify(): void {
    this.verifyTimer = this.scheduler.setTimeout(() => {
      if (this.stopped) return;
      if (!this.maybeMerge()) this.verifyNow();
      this.scheduleVerify();
    }, this.t.verifyIntervalMs);
  }

  private peers(): string[] {
    return this.members.healthyMembers().filter((m) => m !== this.self);
  }

  private checkValues(entries: readonly WireEntry[]): void {
    const validate = this.opts.validateValue;
    if (!validate) return;
    for (const e of entries) {
      if (!e.deleted && !validate(e.value)) {
        throw new DistroError('DISTRO_BAD_MESSAGE', `value of ${e.key} rejected by validateValue`);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.retryWake = resolve;
      this.retryTimer = this.scheduler.setTimeout(() => {
        this.retryTimer = undefined;
        this.retryWake = undefined;
        resolve();
      }, ms);
    });
  }

  private assertRunning(): void {
    if (this.stopped) throw new DistroError('DISTRO_STOPPED', 'distro engine is stopped');
  }
}
