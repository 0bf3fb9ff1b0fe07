import type { Entry, NodeId } from '../../src/core/types.js';
import { Simulation, type SimulationOptions } from '../../src/testing/simulator.js';

/** A command payload carrying a number. */
export function cmd(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

export function cmdOf(e: Entry): number {
  return new DataView(e.data.buffer, e.data.byteOffset, e.data.byteLength).getUint32(0);
}

/**
 * The MIT 6.824 lab tester's vocabulary over the deterministic simulator: connect/disconnect,
 * crash/restart, `one()` (agree on a command), `nCommitted()`, `checkOneLeader()`.
 */
export class Lab {
  readonly sim: Simulation;
  /** What each node applied: index -> command. Reset when a node restarts (it replays). */
  readonly applied = new Map<NodeId, Map<number, number>>();
  readonly #disconnected = new Set<NodeId>();

  constructor(opts: Omit<SimulationOptions, 'onApply'>) {
    this.sim = new Simulation({
      ...opts,
      onApply: (node, e) => {
        let m = this.applied.get(node);
        if (m === undefined) {
          m = new Map();
          this.applied.set(node, m);
        }
        m.set(e.index, cmdOf(e));
      },
    });
  }

  get ids(): NodeId[] {
    return this.sim.ids;
  }

  disconnect(id: NodeId): void {
    this.#disconnected.add(id);
    this.#applyLinks();
  }

  connect(id: NodeId): void {
    this.#disconnected.delete(id);
    this.#applyLinks();
  }

  #applyLinks(): void {
    this.sim.heal();
    for (const id of this.#disconnected) this.sim.partition([id]);
  }

  crash(id: NodeId): void {
    this.sim.crash(id);
    this.applied.delete(id);
  }

  restart(id: NodeId): void {
    this.sim.restart(id);
  }

  isUp(id: NodeId): boolean {
    return this.sim.node(id).raw !== undefined && !this.#disconnected.has(id);
  }

  /** The connected live leader(s) of the highest term; throws if two lead the same term. */
  leaders(): NodeId[] {
    const byTerm = new Map<number, NodeId[]>();
    for (const n of this.sim.nodes) {
      const s = n.raw?.status();
      if (s === undefined || s.role !== 'leader' || !this.isUp(n.id)) continue;
      byTerm.set(s.term, [...(byTerm.get(s.term) ?? []), n.id]);
    }
    for (const [term, ls] of byTerm) if (ls.length > 1) throw new Error(`term ${term} has leaders ${ls}`);
    const top = Math.max(-1, ...byTerm.keys());
    return byTerm.get(top) ?? [];
  }

  /** Runs until a connected leader exists; returns it, or throws after `maxSteps`. */
  checkOneLeader(maxSteps = 300): NodeId {
    let found: NodeId | undefined;
    this.sim.runUntil(() => {
      found = this.leaders()[0];
      return found !== undefined;
    }, maxSteps);
    if (found === undefined) throw new Error(`no leader after ${maxSteps} steps (seed ${this.sim.seed})`);
    return found;
  }

  /** Runs `steps` steps and asserts that no connected node is leader. */
  checkNoLeader(steps = 100): void {
    this.sim.run(steps);
    const ls = this.leaders();
    if (ls.length > 0) throw new Error(`expected no leader, found ${ls}`);
  }

  /** How many nodes applied something at `index`, and what (throws if they disagree). */
  nCommitted(index: number): { count: number; cmd: number | undefined } {
    let count = 0;
    let value: number | undefined;
    for (const m of this.applied.values()) {
      const v = m.get(index);
      if (v === undefined) continue;
      if (count > 0 && v !== value) throw new Error(`index ${index}: ${v} vs ${value}`);
      value = v;
      count++;
    }
    return { count, cmd: value };
  }

  /**
   * Submits `command` to leaders until `expected` nodes applied it (like 6.824's `one()`), with
   * retries on leader change. Returns the index, or throws after `maxSteps`.
   */
  one(command: number, expected: number, retry = true, maxSteps = 1000): number {
    let steps = 0;
    while (steps < maxSteps) {
      let index = -1;
      for (const id of this.ids) {
        if (!this.isUp(id)) continue;
        const at = this.sim.propose(cmd(command), id);
        if (at !== undefined) {
          index = at.index;
          break;
        }
      }
      if (index < 0) {
        this.sim.step();
        steps++;
        continue;
      }
      for (let i = 0; i < 100 && steps < maxSteps; i++, steps++) {
        const c = this.nCommitted(index);
        if (c.count >= expected && c.cmd === command) return index;
        this.sim.step();
      }
      if (!retry) break;
    }
    throw new Error(`one(${command}) failed to reach agreement (seed ${this.sim.seed})`);
  }

  /** Highest index applied by any node. */
  maxIndex(): number {
    return this.sim.checker.maxApplied;
  }
}
