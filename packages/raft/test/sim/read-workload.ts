import type { ReadOnlyOption } from '../../src/core/config.js';
import type { Entry, NodeId } from '../../src/core/types.js';
import { encodeKvCommand, type KvCommand, type KvResult, KvStateMachine } from '../../src/testing/kv.js';
import type { KvModelInput, Operation } from '../../src/testing/linearizability/index.js';
import { type SimFaults, Simulation } from '../../src/testing/simulator.js';
import { randomConfChange } from '../../src/testing/sweep.js';

/** How the workload reads. `local-leader` is the broken baseline: read a self-proclaimed leader's state. */
export type ReadMode = 'read-index' | 'local-leader';

export interface ReadWorkloadOptions {
  readonly seed: number;
  readonly faults: SimFaults;
  readonly readOnlyOption?: ReadOnlyOption;
  readonly clockSkew?: number;
  readonly mode?: ReadMode;
  readonly nodes?: number;
  readonly clients?: number;
  /** Per step: chance to cut the current leader off from everyone (until the next heal). */
  readonly isolateLeader?: number;
  /** Per step: chance the leader is asked to hand leadership to a random voter. */
  readonly transferRate?: number;
  /** Per step: chance of a random membership change (with one spare node to add). */
  readonly membershipRate?: number;
}

type Pending =
  | {
      kind: 'write';
      cmd: KvCommand;
      call: number;
      at?: { node: NodeId; index: number; term: number; step: number };
    }
  | { kind: 'read'; key: string; call: number; node?: NodeId; ctx?: string; index?: number; step: number };

/**
 * Clients of the KV store in a simulation: writes go through the log (to the leader, retried with
 * client sessions), reads through ReadIndex on any node, leader or follower, including a leader
 * that has just been cut off. A read is served once its node applied the read index, from that
 * node's own state machine. The history, with times in half-steps so that an operation issued
 * after another returned is ordered after it, is checked for linearizability.
 */
export class ReadWorkload {
  readonly sim: Simulation;
  readonly history: Operation<KvModelInput, string | null>[] = [];
  readonly machines = new Map<NodeId, KvStateMachine>();
  readsServed = 0;
  readsOnLeaderless = 0;
  readonly #clients: (Pending | undefined)[];
  readonly #seqs: number[];
  readonly #mode: ReadMode;
  readonly #isolateLeader: number;
  readonly #transferRate: number;
  readonly #membershipRate: number;
  #ctxSeq = 0;

  constructor(o: ReadWorkloadOptions) {
    this.#mode = o.mode ?? 'read-index';
    this.#isolateLeader = o.isolateLeader ?? 0;
    this.#transferRate = o.transferRate ?? 0;
    this.#membershipRate = o.membershipRate ?? 0;
    this.#clients = Array.from({ length: o.clients ?? 3 }, () => undefined);
    this.#seqs = this.#clients.map(() => 0);
    this.sim = new Simulation({
      seed: o.seed,
      nodes: o.nodes ?? 3,
      spares: (o.membershipRate ?? 0) > 0 ? 1 : 0,
      faults: o.faults,
      readOnlyOption: o.readOnlyOption ?? 'safe',
      clockSkew: o.clockSkew ?? 0,
      stateMachine: (id) => {
        const sm = new KvStateMachine();
        this.machines.set(id, sm);
        return sm;
      },
      onApply: (node, entry, result) => this.#onApply(node, entry, result as KvResult),
      onReadState: (node, rs) => this.#onReadState(node, new TextDecoder().decode(rs.context), rs.index),
    });
  }

  /** Half-step clock: returns during step n are at 2n, calls issued after it at 2n + 1. */
  get #callTime(): number {
    return 2 * this.sim.now + 1;
  }

  step(startNew: boolean): void {
    const sim = this.sim;
    const rng = sim.rng;
    if (this.#isolateLeader > 0 && rng.float() < this.#isolateLeader) {
      const l = sim.leader();
      if (l !== undefined) sim.partition([l.id]);
    }
    if (this.#transferRate > 0 && rng.float() < this.#transferRate) {
      sim.transferLeadership(sim.ids[rng.int(sim.ids.length)]!);
    }
    if (this.#membershipRate > 0 && rng.float() < this.#membershipRate) {
      const cc = randomConfChange(sim);
      if (cc !== undefined) sim.changeMembership(cc);
    }
    for (let c = 0; c < this.#clients.length; c++) {
      let p = this.#clients[c];
      if (p === undefined) {
        if (!startNew || rng.float() > 0.4) continue;
        const key = `k${rng.int(2)}`;
        if (rng.float() < 0.5) {
          p = { kind: 'read', key, call: this.#callTime, step: sim.now };
        } else {
          const seq = ++this.#seqs[c]!;
          const op = rng.float() < 0.5 ? 'put' : 'append';
          p = {
            kind: 'write',
            cmd: { client: `c${c}`, seq, op, key, value: `${c}.${seq};` },
            call: this.#callTime,
          };
        }
        this.#clients[c] = p;
      }
      if (p.kind === 'write') this.#sendWrite(p);
      else this.#sendRead(c, p);
    }
    sim.step();
    this.#serveReads();
  }

  idle(): boolean {
    return this.#clients.every((p) => p === undefined);
  }

  /** Writes never acknowledged, as operations that never returned (they may or may not have happened). */
  unfinishedWrites(): Operation<KvModelInput, string | null>[] {
    const out: Operation<KvModelInput, string | null>[] = [];
    this.#clients.forEach((p, c) => {
      if (p?.kind !== 'write') return;
      const { op, key, value } = p.cmd;
      out.push({
        clientId: c,
        input: op === 'get' ? { op, key } : { op, key, value: value ?? '' },
        call: p.call,
        return: Infinity,
      });
    });
    return out;
  }

  /** Drops reads still outstanding (a read that never returned had no effect). */
  abandonReads(): void {
    for (let c = 0; c < this.#clients.length; c++)
      if (this.#clients[c]?.kind === 'read') this.#clients[c] = undefined;
  }

  #sendWrite(p: Extract<Pending, { kind: 'write' }>): void {
    if (p.at !== undefined && this.sim.now - p.at.step < 20) return;
    const at = this.sim.propose(encodeKvCommand(p.cmd));
    p.at = at === undefined ? undefined : { ...at, step: this.sim.now };
  }

  #sendRead(c: number, p: Extract<Pending, { kind: 'read' }>): void {
    const sim = this.sim;
    if (p.node !== undefined) {
      // Lost (messages dropped, node crashed, leader deposed): give up; a new read starts later.
      if (sim.now - p.step > 40 || sim.node(p.node).raw === undefined) this.#clients[c] = undefined;
      return;
    }
    const live = sim.nodes.filter((n) => n.raw !== undefined);
    const n = live[sim.rng.int(live.length)];
    if (n === undefined) return;
    if (this.#mode === 'local-leader') {
      if (n.raw!.status().role !== 'leader') return;
      this.#record(c, p, this.machines.get(n.id)!.get(p.key), p.call);
      return;
    }
    const ctx = `r${this.#ctxSeq++}`;
    if (!sim.readIndex(n.id, new TextEncoder().encode(ctx))) {
      this.readsOnLeaderless++;
      return;
    }
    p.node = n.id;
    p.ctx = ctx;
    p.step = sim.now;
  }

  #onReadState(node: NodeId, ctx: string, index: number): void {
    for (const p of this.#clients) {
      if (p?.kind === 'read' && p.node === node && p.ctx === ctx) p.index = index;
    }
  }

  #serveReads(): void {
    for (let c = 0; c < this.#clients.length; c++) {
      const p = this.#clients[c];
      if (p?.kind !== 'read' || p.index === undefined || p.node === undefined) continue;
      const n = this.sim.node(p.node);
      if (n.raw === undefined || n.applied < p.index) continue;
      this.#record(c, p, this.machines.get(n.id)!.get(p.key));
    }
  }

  #record(
    c: number,
    p: Extract<Pending, { kind: 'read' }>,
    value: string | undefined,
    at = 2 * this.sim.now,
  ): void {
    this.history.push({
      clientId: c,
      input: { op: 'get', key: p.key },
      output: value ?? null,
      call: p.call,
      return: at,
    });
    this.readsServed++;
    this.#clients[c] = undefined;
  }

  #onApply(node: NodeId, entry: Entry, result: KvResult): void {
    for (let c = 0; c < this.#clients.length; c++) {
      const p = this.#clients[c];
      if (p?.kind !== 'write' || p.at === undefined || p.at.node !== node || p.at.index !== entry.index)
        continue;
      if (p.at.term !== entry.term) {
        p.at = { ...p.at, step: -1_000_000 };
        continue;
      }
      const { op, key, value } = p.cmd;
      this.history.push({
        clientId: c,
        input: op === 'get' ? { op, key } : { op, key, value: value ?? '' },
        output: result.value ?? null,
        call: p.call,
        return: 2 * this.sim.now,
      });
      this.#clients[c] = undefined;
    }
  }
}

/** The fault mix of the read sweeps: the standard one, with the leader cut off now and then. */
export const READ_FAULTS: SimFaults = {
  drop: 0.05,
  duplicate: 0.03,
  maxDelay: 3,
  partition: 0.02,
  heal: 0.05,
  crash: 0.01,
  restart: 0.08,
  crashMidReady: 0.002,
};

export interface ReadSeedResult {
  readonly seed: number;
  readonly history: Operation<KvModelInput, string | null>[];
  readonly readsServed: number;
}

/**
 * Runs one seed: `steps` steps of clients under faults, then heals and lets outstanding writes
 * finish (any that cannot are recorded as never returned). Safety is checked after every step.
 */
export function runReadSeed(
  seed: number,
  o: Omit<ReadWorkloadOptions, 'seed'> & { steps: number },
): ReadSeedResult {
  const w = new ReadWorkload({ ...o, seed });
  for (let i = 0; i < o.steps; i++) w.step(true);
  w.abandonReads();
  w.sim.setFaults({
    drop: 0,
    duplicate: 0,
    maxDelay: 0,
    partition: 0,
    heal: 0,
    crash: 0,
    restart: 0,
    crashMidReady: 0,
  });
  w.sim.heal();
  for (const id of w.sim.ids) w.sim.restart(id);
  for (let i = 0; i < 400 && !w.idle(); i++) w.step(false);
  w.abandonReads();
  return { seed, history: w.history.concat(w.unfinishedWrites()), readsServed: w.readsServed };
}
