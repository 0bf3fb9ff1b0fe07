// The KV state machine with client sessions under faults: clients retry with the same sequence
// number across timeouts and leader changes, and every command takes effect exactly once.
import { describe, expect, it } from 'vitest';
import { decodeKvCommand, encodeKvCommand, KvStateMachine } from '../../src/testing/kv.js';
import {
  checkLinearizability,
  type KvModelInput,
  kvModel,
  type Operation,
} from '../../src/testing/linearizability/index.js';
import { SWEEP_FAULTS } from '../../src/testing/sweep.js';
import { type KvOperation, KvWorkload } from './kv-clients.js';

const BASE = Number(process.env.SEED ?? 1);

function toModelHistory(history: readonly KvOperation[]): Operation<KvModelInput, string | null>[] {
  return history.map((h) => ({
    clientId: Number(h.client.slice(1)),
    input: h.op === 'get' ? { op: 'get', key: h.key } : { op: h.op, key: h.key, value: h.value ?? '' },
    output: h.output ?? null,
    call: h.call,
    return: h.return,
  }));
}

function settle(w: KvWorkload): void {
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
  for (let i = 0; i < 2000 && !w.idle(); i++) w.step(false);
  w.sim.run(30);
}

describe('KV with client sessions', () => {
  it('a retried command is applied once and answered with the first answer', () => {
    const sm = new KvStateMachine();
    const put = encodeKvCommand({ client: 'a', seq: 1, op: 'append', key: 'x', value: 'v;' });
    const e = (index: number, data: Uint8Array) => ({ term: 1, index, type: 0 as const, data });
    expect(sm.apply(e(1, put))).toEqual({ ok: true, value: 'v;' });
    expect(sm.apply(e(2, put))).toEqual({ ok: true, value: 'v;' });
    expect(sm.get('x')).toBe('v;');
    expect(sm.executed).toBe(1);
    const next = encodeKvCommand({ client: 'a', seq: 2, op: 'append', key: 'x', value: 'w;' });
    expect(sm.apply(e(3, next)).value).toBe('v;w;');
    // A stale retry of seq 1 after seq 2 is refused and changes nothing.
    expect(sm.apply(e(4, put))).toEqual({ ok: false, value: undefined });
    expect(sm.get('x')).toBe('v;w;');
  });

  it('malformed payloads are refused without changing state', () => {
    const sm = new KvStateMachine();
    for (const bad of [
      Uint8Array.of(0xff, 0xfe),
      new TextEncoder().encode('{"client":1}'),
      new Uint8Array(0),
    ]) {
      expect(sm.apply({ term: 1, index: 1, type: 0, data: bad })).toEqual({ ok: false, value: undefined });
      expect(() => decodeKvCommand(bad)).toThrowError(
        expect.objectContaining({ code: 'RAFT_INVALID_ARGUMENT' }),
      );
    }
    expect(sm.entries()).toEqual([]);
  });

  let duplicatesSeen = 0;
  for (let s = 0; s < 10; s++) {
    const seed = BASE + s * 7919;
    it(`seed ${seed}: concurrent retrying clients under faults get exactly-once effects`, () => {
      const w = new KvWorkload(seed, SWEEP_FAULTS);
      for (let i = 0; i < 400; i++) w.step(true);
      settle(w);
      expect(w.idle()).toBe(true);
      // Every replica holds the same data.
      const replicas = [...w.machines.values()].map((m) => JSON.stringify(m.entries()));
      expect(new Set(replicas).size).toBe(1);
      // No append token appears twice in any key; every acknowledged append still present unless
      // a later put overwrote the key.
      const sm = [...w.machines.values()][0]!;
      for (const [, value] of sm.entries()) {
        const tokens = value.split(';').filter((t) => t !== '');
        expect(new Set(tokens).size).toBe(tokens.length);
      }
      // Exactly once: each replica executed one effect per distinct (client, seq) in the log, even
      // though retries put some commands in the log more than once.
      const distinct = new Set<string>();
      let logged = 0;
      for (let i = 1; i <= w.sim.checker.maxApplied; i++) {
        const e = w.sim.checker.appliedAt(i);
        if (e === undefined || e.data.byteLength === 0) continue;
        const c = decodeKvCommand(e.data);
        distinct.add(`${c.client}#${c.seq}`);
        logged++;
      }
      for (const m of w.machines.values()) expect(m.executed).toBe(distinct.size);
      duplicatesSeen += logged - distinct.size;
      expect(w.history.length).toBeGreaterThan(50);
      expect(w.retries).toBeGreaterThan(0);
      // The clients' history is linearizable, and the checker is not vacuous: the same history
      // with one read answering a value nobody wrote is refused.
      const history = toModelHistory(w.history);
      const verdict = checkLinearizability(history, kvModel(), { timeoutMs: 10_000 });
      if (verdict.result === 'illegal') throw new Error(`seed ${seed}: ${verdict.illegal.explanation}`);
      expect(verdict.result).toBe('ok');
      const read = history.findIndex((h) => h.input.op === 'get');
      expect(read).toBeGreaterThanOrEqual(0);
      const forged = history.map((h, i) => (i === read ? { ...h, output: 'never-written' } : h));
      expect(checkLinearizability(forged, kvModel(), { timeoutMs: 10_000 }).result).toBe('illegal');
    });
  }
  it('the runs above did put duplicate commands in the log (so deduplication was exercised)', () => {
    expect(duplicatesSeen).toBeGreaterThan(0);
  });
});
