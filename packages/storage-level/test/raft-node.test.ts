import { join } from 'node:path';
import { MemoryNetwork, type NodeId, RaftNode, SeededRandom } from '@reg/raft';
import { encodeKvCommand, type KvResult, KvStateMachine } from '@reg/raft/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { LevelLogStorage } from '../src/level-log-storage.js';
import { tempDir } from './tmp.js';

/** Polls until `pred` holds; a hang guard, not a timing assertion. */
async function waitFor(pred: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('LevelLogStorage under a real RaftNode cluster', () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const s of stops.splice(0).reverse()) await s();
  });

  it('a 3-node cluster commits, stops, restarts from disk and replays to the same state', async () => {
    const dir = await tempDir('raft-cluster');
    stops.push(dir.remove);
    const ids: NodeId[] = [1, 2, 3];
    const seed = Number(process.env.SEED ?? 7);

    async function startCluster(round: number) {
      const net = new MemoryNetwork();
      const nodes = new Map<NodeId, RaftNode<KvResult>>();
      const machines = new Map<NodeId, KvStateMachine>();
      const logs: LevelLogStorage[] = [];
      for (const id of ids) {
        const storage = new LevelLogStorage({ location: join(dir.path, `node-${id}`) });
        logs.push(storage);
        const machine = new KvStateMachine();
        machines.set(id, machine);
        const node = await RaftNode.start<KvResult>({
          id,
          voters: ids,
          storage,
          transport: net.transport(id),
          stateMachine: machine,
          tickMs: 5,
          electionTick: 10,
          heartbeatTick: 1,
          random: new SeededRandom(seed * 100 + round * 10 + id),
        });
        nodes.set(id, node);
      }
      const stop = async () => {
        for (const n of nodes.values()) await n.stop();
        // The driver does not own its storage: the caller closes it.
        for (const l of logs) await l.close();
      };
      stops.push(stop);
      return { nodes, machines, stop };
    }

    const first = await startCluster(0);
    await waitFor(() => [...first.nodes.values()].some((n) => n.role === 'leader'), 'a leader');
    const leader = [...first.nodes.values()].find((n) => n.role === 'leader') as RaftNode<KvResult>;
    for (let seq = 1; seq <= 40; seq++) {
      const r = await leader.propose(
        encodeKvCommand({ client: 'c', seq, op: 'append', key: 'k', value: `${seq},` }),
      );
      expect(r.ok).toBe(true);
    }
    const want = Array.from({ length: 40 }, (_, i) => `${i + 1},`).join('');
    await waitFor(
      () => [...first.machines.values()].every((m) => m.get('k') === want),
      'all members applied',
    );
    await first.stop();

    // Fresh state machines: everything must come back from the three LevelDB logs.
    const second = await startCluster(1);
    await waitFor(
      () => [...second.nodes.values()].some((n) => n.role === 'leader'),
      'a leader after restart',
    );
    const again = [...second.nodes.values()].find((n) => n.role === 'leader') as RaftNode<KvResult>;
    const r = await again.propose(
      encodeKvCommand({ client: 'd', seq: 1, op: 'append', key: 'k', value: 'end' }),
    );
    expect(r.value).toBe(`${want}end`);
    await waitFor(
      () => [...second.machines.values()].every((m) => m.get('k') === `${want}end`),
      'replay everywhere',
    );
  }, 40_000);
});
