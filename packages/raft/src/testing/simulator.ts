import type { ConfChange } from '../core/conf-change.js';
import { type Message, MessageType } from '../core/messages.js';
import { SeededRandom } from '../core/random.js';
import { RawNode, type Ready } from '../core/raw-node.js';
import { confStateOf, EMPTY_HARD_STATE, type Entry, EntryType, type NodeId } from '../core/types.js';
import { SafetyChecker } from './safety-checker.js';

const ZERO_SNAPSHOT = Object.freeze({ index: 0, term: 0, confState: confStateOf([]) });

import type { SimFaults, SimNode, SimulationOptions } from './sim-types.js';

export type { Persisted, SimFaults, SimNode, SimStateMachine, SimulationOptions } from './sim-types.js';

interface InFlight {
  readonly at: number;
  readonly seq: number;
  readonly m: Message;
}

/**
 * A deterministic simulation of a Raft cluster: N {@link RawNode}s, a network with loss,
 * duplication, delay/reordering and partitions, crashes that lose unpersisted state, and restarts
 * from what was persisted. Logical time only (ticks); every choice comes from one seeded RNG, so a
 * seed replays exactly. A {@link SafetyChecker} runs after every step and throws a
 * `SafetyViolation` on the first broken property.
 */
export class Simulation {
  readonly seed: number;
  readonly rng: SeededRandom;
  readonly nodes: SimNode[] = [];
  readonly checker = new SafetyChecker();
  /** Every node's id, voters of the initial configuration first, then spares. */
  readonly ids: NodeId[];
  /** The initial configuration's voters. */
  readonly initialVoters: NodeId[];
  /** Current step number (the clock). */
  now = 0;
  /** Messages sent so far. */
  messagesSent = 0;
  /** Snapshots installed on followers so far. */
  snapshotsInstalled = 0;
  readonly #opts: SimulationOptions;
  readonly #faults: Required<SimFaults>;
  #inflight: InFlight[] = [];
  #seq = 0;
  /** State-machine snapshots travelling with Snapshot messages (the data is not on the message). */
  readonly #snapshotData = new WeakMap<Message, unknown>();
  /** Per node, the data of a snapshot installed since its last Ready, to persist with it. */
  readonly #installed = new Map<NodeId, unknown>();
  /** Directed links that are cut, as `from>to`. */
  readonly #cut = new Set<string>();

  constructor(opts: SimulationOptions) {
    this.#opts = opts;
    this.seed = opts.seed;
    this.rng = new SeededRandom(opts.seed);
    const n = opts.nodes ?? 3;
    this.initialVoters = Array.from({ length: n }, (_, i) => i + 1);
    this.ids = Array.from({ length: n + (opts.spares ?? 0) }, (_, i) => i + 1);
    const f = opts.faults ?? {};
    this.#faults = {
      drop: f.drop ?? 0,
      duplicate: f.duplicate ?? 0,
      maxDelay: f.maxDelay ?? 0,
      partition: f.partition ?? 0,
      heal: f.heal ?? 0,
      crash: f.crash ?? 0,
      restart: f.restart ?? 0,
      crashMidReady: f.crashMidReady ?? 0,
    };
    for (const id of this.ids) {
      const node: SimNode = {
        id,
        raw: undefined,
        sm: undefined,
        disk: { hardState: EMPTY_HARD_STATE, snapshot: ZERO_SNAPSHOT, snapshotData: undefined, entries: [] },
        applied: 0,
        clockRate: (opts.clockSkew ?? 0) > 0 ? 1 + this.rng.float() * (opts.clockSkew ?? 0) : 1,
      };
      this.nodes.push(node);
      this.#boot(node);
    }
  }

  /** Changes fault settings from now on (e.g. to heal the network and check liveness). */
  setFaults(f: SimFaults): void {
    Object.assign(this.#faults, f);
  }

  node(id: NodeId): SimNode {
    const n = this.nodes[id - 1];
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  /** The live leader with the highest term, if any. */
  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    let bestTerm = -1;
    for (const n of this.nodes) {
      const s = n.raw?.status();
      if (s !== undefined && s.role === 'leader' && s.term > bestTerm) {
        best = n;
        bestTerm = s.term;
      }
    }
    return best;
  }

  /** Proposes `data` on node `id` (or the current leader); returns where it landed, or undefined if refused. */
  propose(data: Uint8Array, id?: NodeId): { node: NodeId; index: number; term: number } | undefined {
    const n = id === undefined ? this.leader() : this.node(id);
    if (n?.raw === undefined) return undefined;
    try {
      const at = n.raw.propose(data);
      return { node: n.id, ...at };
    } catch {
      return undefined;
    }
  }

  /**
   * Asks node `id` for a linearizable read identified by `context`; the answer comes through
   * `onReadState`. Returns false when the node is down or refuses (no known leader).
   */
  readIndex(id: NodeId, context: Uint8Array): boolean {
    const raw = this.node(id).raw;
    if (raw === undefined) return false;
    try {
      raw.readIndex(context);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Asks the current leader to hand leadership to `to` (which may lag, or be cut off: the transfer
   * then catches it up first, or aborts). Returns false when there is no leader or it refuses.
   */
  transferLeadership(to: NodeId): boolean {
    const l = this.leader();
    if (l?.raw === undefined) return false;
    try {
      l.raw.transferLeadership(to);
      return true;
    } catch {
      return false;
    }
  }

  /** Asks the current leader to propose a membership change; false when there is none or it refuses. */
  changeMembership(cc: ConfChange): boolean {
    const l = this.leader();
    if (l?.raw === undefined) return false;
    try {
      l.raw.proposeConfChange(cc);
      return true;
    } catch {
      return false;
    }
  }

  /** Crashes node `id`: its memory (including unpersisted entries and queued messages) is lost. */
  crash(id: NodeId): void {
    const n = this.node(id);
    n.raw = undefined;
    n.sm = undefined;
    n.applied = 0;
    this.#installed.delete(id);
  }

  /** Restarts a crashed node from its persisted state. */
  restart(id: NodeId): void {
    const n = this.node(id);
    if (n.raw === undefined) this.#boot(n);
  }

  /** Cuts or restores the directed link from `from` to `to`. */
  setLink(from: NodeId, to: NodeId, up: boolean): void {
    if (up) this.#cut.delete(`${from}>${to}`);
    else this.#cut.add(`${from}>${to}`);
  }

  /** Cuts every link between `group` and the other nodes (both directions). */
  partition(group: readonly NodeId[]): void {
    for (const a of group) {
      for (const b of this.ids) {
        if (group.includes(b)) continue;
        this.setLink(a, b, false);
        this.setLink(b, a, false);
      }
    }
  }

  /** Restores every link. */
  heal(): void {
    this.#cut.clear();
  }

  /** Runs `steps` steps. */
  run(steps: number): void {
    for (let i = 0; i < steps; i++) this.step();
  }

  /**
   * One step = one tick: maybe inject faults, tick every live node, then exchange messages and
   * handle Readies until the step's due messages are delivered (bounded rounds), then check safety.
   */
  step(): void {
    this.now++;
    this.#injectFaults();
    for (const n of this.nodes) {
      if (n.raw === undefined) continue;
      const ticks =
        n.clockRate === 1 ? 1 : Math.floor(this.now * n.clockRate) - Math.floor((this.now - 1) * n.clockRate);
      for (let t = 0; t < ticks; t++) n.raw.tick();
    }
    for (let round = 0; round < 16; round++) {
      const worked = this.#processReadies();
      const delivered = this.#deliverDue();
      if (!worked && !delivered) break;
    }
    this.checker.check(this.#live());
  }

  /** Runs until `pred` holds (checked after each step) or `maxSteps` pass; returns whether it held. */
  runUntil(pred: () => boolean, maxSteps: number): boolean {
    for (let i = 0; i < maxSteps; i++) {
      if (pred()) return true;
      this.step();
    }
    return pred();
  }

  #live(): RawNode[] {
    const out: RawNode[] = [];
    for (const n of this.nodes) if (n.raw !== undefined) out.push(n.raw);
    return out;
  }

  #boot(n: SimNode): void {
    const o = this.#opts;
    const initial = this.initialVoters.includes(n.id) ? this.initialVoters : [];
    n.raw = new RawNode(
      {
        id: n.id,
        voters: initial,
        electionTick: o.electionTick ?? 10,
        heartbeatTick: o.heartbeatTick ?? 1,
        preVote: o.preVote ?? true,
        checkQuorum: o.checkQuorum ?? true,
        maxInflightMsgs: o.maxInflightMsgs ?? 64,
        maxSizePerMsg: o.maxSizePerMsg ?? 16 * 1024,
        readOnlyOption: o.readOnlyOption ?? 'safe',
        maxClockDrift: o.maxClockDrift ?? 0.1,
        random: new SeededRandom(this.rng.next()),
      },
      {
        hardState: n.disk.hardState,
        snapshot:
          n.disk.snapshot.index > 0
            ? n.disk.snapshot
            : { index: 0, term: 0, confState: confStateOf(initial) },
        entries: n.disk.entries,
      },
    );
    n.sm = o.stateMachine?.(n.id);
    n.applied = 0;
    if (n.disk.snapshot.index > 0) {
      // Restart from the snapshot plus the log tail.
      n.sm?.restore?.(n.disk.snapshotData);
      n.applied = n.disk.snapshot.index;
    }
  }

  #injectFaults(): void {
    const f = this.#faults;
    const r = this.rng;
    if (f.partition > 0 && r.float() < f.partition) {
      this.heal();
      const a = this.ids[r.int(this.ids.length)]!;
      if (r.float() < 0.5) this.partition([a]);
      else {
        // One-way: a hears nobody (or nobody hears a).
        const outbound = r.float() < 0.5;
        for (const b of this.ids) if (b !== a) this.setLink(outbound ? a : b, outbound ? b : a, false);
      }
    }
    if (f.heal > 0 && r.float() < f.heal) this.heal();
    if (f.crash > 0 && r.float() < f.crash) {
      const live = this.nodes.filter((n) => n.raw !== undefined);
      const victim = live[r.int(live.length)];
      if (victim !== undefined) this.crash(victim.id);
    }
    if (f.restart > 0 && r.float() < f.restart) {
      const dead = this.nodes.filter((n) => n.raw === undefined);
      const back = dead[r.int(dead.length)];
      if (back !== undefined) this.restart(back.id);
    }
  }

  #processReadies(): boolean {
    let worked = false;
    for (const n of this.nodes) {
      const raw = n.raw;
      if (raw === undefined || !raw.hasReady()) continue;
      worked = true;
      const rd = raw.ready();
      if (this.#faults.crashMidReady > 0 && this.rng.float() < this.#faults.crashMidReady) {
        this.crash(n.id);
        continue;
      }
      this.#persist(n, rd);
      for (const m of rd.messages) {
        if (m.type === MessageType.Snapshot) this.#sendSnapshot(n, m);
        else this.#send(m);
      }
      for (const e of rd.committedEntries) this.#apply(n, e);
      raw.advance();
      this.#maybeCompact(n);
      for (const rs of rd.readStates) this.#opts.onReadState?.(n.id, rs);
    }
    return worked;
  }

  #persist(n: SimNode, rd: Ready): void {
    const disk = n.disk;
    if (rd.snapshot !== undefined) {
      const meta = rd.snapshot;
      const at = disk.entries[meta.index - disk.snapshot.index - 1];
      disk.entries =
        at !== undefined && at.term === meta.term ? disk.entries.slice(meta.index - disk.snapshot.index) : [];
      disk.snapshot = meta;
      disk.snapshotData = this.#installed.get(n.id);
      this.#installed.delete(n.id);
    }
    if (rd.entries.length > 0) {
      const first = rd.entries[0]!.index;
      if (first - 1 - disk.snapshot.index > disk.entries.length) {
        throw new Error(`node ${n.id} asked to persist entries from ${first} after a gap`);
      }
      disk.entries.length = first - 1 - disk.snapshot.index;
      for (const e of rd.entries) n.disk.entries.push(e);
    }
    if (rd.hardState !== undefined) n.disk.hardState = rd.hardState;
  }

  /** Compacts the node's log once it has applied `compactEvery` entries past its compaction point. */
  #maybeCompact(n: SimNode): void {
    const every = this.#opts.compactEvery;
    const raw = n.raw;
    if (every === undefined || raw === undefined || n.sm?.snapshot === undefined) return;
    if (n.applied - (raw.firstIndex() - 1) < every) return;
    const data = n.sm.snapshot();
    const meta = raw.compact(n.applied);
    n.disk.entries = n.disk.entries.slice(meta.index - n.disk.snapshot.index);
    n.disk.snapshot = meta;
    n.disk.snapshotData = data;
  }

  /**
   * The leader's driver side of InstallSnapshot: snapshot the state machine now (at its applied
   * index, at or past the compaction point) and send it, whole, through the faulty network.
   */
  #sendSnapshot(n: SimNode, m: Message): void {
    const raw = n.raw!;
    const meta = raw.snapshotMetadata(n.applied);
    const msg: Message = { ...m, snapshot: meta };
    this.#snapshotData.set(msg, n.sm?.snapshot?.());
    this.#send(msg);
  }

  /** A Snapshot message arrived: restore the state machine, install, tell the sender. */
  #deliverSnapshot(m: Message): void {
    const to = this.node(m.to);
    const raw = to.raw;
    if (raw === undefined) {
      this.#reportSnapshot(m, false);
      return;
    }
    if (raw.wantsSnapshot(m)) {
      const data = this.#snapshotData.get(m);
      to.sm?.restore?.(data);
      raw.installSnapshot(m);
      this.snapshotsInstalled++;
      to.applied = m.snapshot!.index;
      this.#installed.set(to.id, data);
    }
    this.#reportSnapshot(m, true);
  }

  #reportSnapshot(m: Message, ok: boolean): void {
    this.node(m.from).raw?.reportSnapshot(m.to, ok);
  }

  #apply(n: SimNode, e: Entry): void {
    if (e.index !== n.applied + 1) throw new Error(`node ${n.id} applied ${e.index} after ${n.applied}`);
    n.applied = e.index;
    if (n.raw === undefined) return;
    this.checker.recordApply(n.id, e, n.raw?.status().term ?? 0);
    if (e.type === EntryType.Normal && e.data.byteLength > 0) {
      const result = n.sm?.apply(e);
      this.#opts.onApply?.(n.id, e, result);
    }
  }

  #send(m: Message): void {
    this.messagesSent++;
    const f = this.#faults;
    const r = this.rng;
    if (f.drop > 0 && r.float() < f.drop) {
      if (m.type === MessageType.Snapshot) this.#reportSnapshot(m, false);
      return;
    }
    const copies = f.duplicate > 0 && r.float() < f.duplicate ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const delay = f.maxDelay > 0 ? r.int(f.maxDelay + 1) : 0;
      this.#inflight.push({ at: this.now + delay, seq: this.#seq++, m });
    }
  }

  #deliverDue(): boolean {
    if (this.#inflight.length === 0) return false;
    const due: InFlight[] = [];
    const later: InFlight[] = [];
    for (const x of this.#inflight) (x.at <= this.now ? due : later).push(x);
    if (due.length === 0) return false;
    this.#inflight = later;
    if (this.#faults.maxDelay > 0) {
      // Shuffle same-time messages too, so reordering is not limited to different delays.
      for (let i = due.length - 1; i > 0; i--) {
        const j = this.rng.int(i + 1);
        const t = due[i]!;
        due[i] = due[j]!;
        due[j] = t;
      }
    }
    for (const { m } of due) {
      if (this.#cut.size > 0 && this.#cut.has(`${m.from}>${m.to}`)) {
        if (m.type === MessageType.Snapshot) this.#reportSnapshot(m, false);
        continue;
      }
      if (m.type === MessageType.Snapshot) this.#deliverSnapshot(m);
      else this.node(m.to).raw?.step(m);
    }
    return true;
  }
}
