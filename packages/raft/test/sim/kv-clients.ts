import type { Entry, NodeId } from '../../src/core/types.js';
import { encodeKvCommand, type KvCommand, type KvResult, KvStateMachine } from '../../src/testing/kv.js';
import { type SimFaults, Simulation } from '../../src/testing/simulator.js';

/** One completed client operation, with logical call and return times (simulation steps). */
export interface KvOperation {
  readonly client: string;
  readonly op: KvCommand['op'];
  readonly key: string;
  readonly value: string | undefined;
  readonly output: string | undefined;
  readonly call: number;
  readonly return: number;
}

interface ClientState {
  readonly name: string;
  seq: number;
  current:
    | { cmd: KvCommand; call: number; pending?: { node: NodeId; index: number; term: number; at: number } }
    | undefined;
}

/**
 * Concurrent clients of the KV store in a simulation: each has one command outstanding, sends it
 * to the leader, and retries it with the same sequence number after a timeout or a lost leadership,
 * so client sessions must make it exactly-once. Records a history for linearizability checking.
 */
export class KvWorkload {
  readonly sim: Simulation;
  readonly machines = new Map<NodeId, KvStateMachine>();
  readonly history: KvOperation[] = [];
  readonly acknowledgedAppends: string[] = [];
  retries = 0;
  readonly #clients: ClientState[];
  readonly #waiting = new Map<string, ClientState>();
  readonly #keys: string[];

  constructor(seed: number, faults: SimFaults, clients = 5, keys = 3) {
    this.#keys = Array.from({ length: keys }, (_, i) => `k${i}`);
    this.#clients = Array.from({ length: clients }, (_, i) => ({
      name: `c${i}`,
      seq: 0,
      current: undefined,
    }));
    this.sim = new Simulation({
      seed,
      nodes: 3,
      faults,
      stateMachine: (id) => {
        const sm = new KvStateMachine();
        this.machines.set(id, sm);
        return sm;
      },
      onApply: (node, entry, result) => this.#onApply(node, entry, result as KvResult),
    });
  }

  /** One step: clients start or (re)send commands, then the cluster steps. */
  step(startNew: boolean): void {
    const rng = this.sim.rng;
    for (const c of this.#clients) {
      if (c.current === undefined) {
        if (!startNew || rng.float() > 0.3) continue;
        c.seq++;
        const key = this.#keys[rng.int(this.#keys.length)]!;
        const r = rng.float();
        const cmd: KvCommand =
          r < 0.4
            ? { client: c.name, seq: c.seq, op: 'append', key, value: `${c.name}.${c.seq};` }
            : r < 0.6
              ? { client: c.name, seq: c.seq, op: 'put', key, value: `${c.name}.${c.seq};` }
              : { client: c.name, seq: c.seq, op: 'get', key };
        c.current = { cmd, call: this.sim.now };
      }
      const cur = c.current;
      if (cur.pending !== undefined && this.sim.now - cur.pending.at < 20) continue;
      if (cur.pending !== undefined) {
        this.#waiting.delete(`${cur.pending.node}:${cur.pending.index}`);
        this.retries++;
      }
      const at = this.sim.propose(encodeKvCommand(cur.cmd));
      cur.pending = at === undefined ? undefined : { ...at, at: this.sim.now };
      if (at !== undefined) this.#waiting.set(`${at.node}:${at.index}`, c);
    }
    this.sim.step();
  }

  /** True when no client has a command outstanding. */
  idle(): boolean {
    return this.#clients.every((c) => c.current === undefined);
  }

  #onApply(node: NodeId, entry: Entry, result: KvResult): void {
    const key = `${node}:${entry.index}`;
    const c = this.#waiting.get(key);
    if (c === undefined) return;
    this.#waiting.delete(key);
    const cur = c.current;
    if (cur?.pending === undefined || cur.pending.node !== node || cur.pending.index !== entry.index) return;
    if (cur.pending.term !== entry.term) {
      // Our entry was replaced by another leader's: resend at once.
      cur.pending = { ...cur.pending, at: -1_000_000 };
      return;
    }
    if (!result.ok) throw new Error(`client ${c.name} seq ${cur.cmd.seq} answered as stale`);
    this.history.push({
      client: c.name,
      op: cur.cmd.op,
      key: cur.cmd.key,
      value: cur.cmd.value,
      output: result.value,
      call: cur.call,
      return: this.sim.now,
    });
    if (cur.cmd.op === 'append') this.acknowledgedAppends.push(`${cur.cmd.key}=${cur.cmd.value}`);
    c.current = undefined;
  }
}
