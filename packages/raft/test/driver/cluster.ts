import { type Message, MessageType } from '../../src/core/messages.js';
import type { Entry, HardState, NodeId } from '../../src/core/types.js';
import { MemoryNetwork } from '../../src/driver/memory-transport.js';
import type { RaftNodeOptions } from '../../src/driver/options.js';
import { RaftNode } from '../../src/driver/raft-node.js';
import type { AppendBatch, LogStorage, PersistedState } from '../../src/storage/log-storage.js';
import { MemoryLogStorage } from '../../src/storage/memory-log-storage.js';
import { type KvResult, KvStateMachine } from '../../src/testing/kv.js';

/** Waits until `pred` holds, polling; throws after `ms` (a hang guard, not a timing assertion). */
export async function waitFor(pred: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * A LogStorage wrapper that records what is durable, so a transport can assert that no message is
 * sent before the state it depends on was persisted.
 */
export class RecordingStorage implements LogStorage {
  readonly inner: MemoryLogStorage;
  durableHard: HardState = { term: 0, vote: 0, commit: 0 };
  durableEntries: Entry[] = [];
  failAppends = false;

  constructor(inner = new MemoryLogStorage()) {
    this.inner = inner;
    const s = inner.state;
    this.durableHard = s.hardState;
    this.durableEntries = [...s.entries];
  }

  async load(): Promise<PersistedState> {
    return this.inner.load();
  }

  async append(batch: AppendBatch): Promise<void> {
    // Yield first, so the write really is asynchronous like a disk.
    await new Promise((r) => setImmediate(r));
    if (this.failAppends) throw new Error('disk on fire');
    await this.inner.append(batch);
    if (batch.hardState !== undefined) this.durableHard = batch.hardState;
    if (batch.entries.length > 0) {
      while (this.durableEntries.length < batch.entries[0]!.index - 1) {
        this.durableEntries.push({ term: 0, index: 0, type: 0, data: new Uint8Array(0) });
      }
      this.durableEntries.length = batch.entries[0]!.index - 1;
      this.durableEntries.push(...batch.entries);
    }
  }

  compact = (s: Parameters<LogStorage['compact']>[0]) => this.inner.compact(s);
  installSnapshot = async (s: Parameters<LogStorage['compact']>[0]) => {
    await this.inner.installSnapshot(s);
    const st = this.inner.state;
    this.durableHard = st.hardState;
    // Entries folded into the snapshot count as durable (the state machine holds them).
    const folded = { term: st.snapshot.term, index: 0, type: 0 as const, data: new Uint8Array(0) };
    this.durableEntries = [...Array.from({ length: st.snapshot.index }, () => folded), ...st.entries];
  };
  saveSnapshot = (s: Parameters<LogStorage['compact']>[0], chunks: AsyncIterable<Uint8Array>) =>
    this.inner.saveSnapshot(s, chunks);
  loadSnapshot = () => this.inner.loadSnapshot();
  close = () => this.inner.close();
}

/** A 3-node in-process cluster of RaftNodes over a MemoryNetwork, with KV state machines. */
export class Cluster {
  readonly net = new MemoryNetwork();
  readonly ids: NodeId[];
  readonly storages = new Map<NodeId, RecordingStorage>();
  readonly nodes = new Map<NodeId, RaftNode<KvResult>>();
  readonly machines = new Map<NodeId, KvStateMachine>();
  /** Messages sent before their dependency was durable (must stay empty). */
  readonly violations: string[] = [];

  /** Extra options for every node (read mode, tick length...). */
  readonly options: Partial<RaftNodeOptions<KvResult>>;
  /** Every message sent, when `recordMessages` is on. */
  readonly sent: Message[] = [];
  recordMessages = false;

  constructor(size = 3, options: Partial<RaftNodeOptions<KvResult>> = {}) {
    this.options = options;
    this.ids = Array.from({ length: size }, (_, i) => i + 1);
    for (const id of this.ids) this.storages.set(id, new RecordingStorage());
  }

  /** Starts a new node outside the configuration (empty configuration): a membership change adds it. */
  async join(id: NodeId): Promise<RaftNode<KvResult>> {
    if (!this.storages.has(id)) this.storages.set(id, new RecordingStorage());
    return this.start(id, []);
  }

  async start(id: NodeId, voters: readonly NodeId[] = this.ids): Promise<RaftNode<KvResult>> {
    const storage = this.storages.get(id)!;
    const inner = this.net.transport(id);
    const sm = new KvStateMachine();
    this.machines.set(id, sm);
    const node = await RaftNode.start<KvResult>({
      id,
      voters,
      storage,
      stateMachine: sm,
      tickMs: 2,
      electionTick: 10,
      ...this.options,
      transport: {
        start: inner.start,
        stop: inner.stop,
        send: (msgs) => {
          for (const m of msgs) this.#checkDurable(storage, m);
          if (this.recordMessages) this.sent.push(...msgs);
          inner.send(msgs);
        },
      },
    });
    this.nodes.set(id, node);
    return node;
  }

  async startAll(): Promise<void> {
    for (const id of this.ids) await this.start(id);
  }

  leader(): RaftNode<KvResult> | undefined {
    let best: RaftNode<KvResult> | undefined;
    for (const n of this.nodes.values()) {
      if (n.role === 'leader' && n.failure === undefined && (best === undefined || n.term > best.term))
        best = n;
    }
    return best;
  }

  async waitLeader(): Promise<RaftNode<KvResult>> {
    await waitFor(() => this.leader() !== undefined, 10_000, 'a leader');
    return this.leader()!;
  }

  async stop(id: NodeId): Promise<void> {
    await this.nodes.get(id)?.stop();
    this.nodes.delete(id);
  }

  async stopAll(): Promise<void> {
    for (const id of [...this.nodes.keys()]) await this.stop(id);
    this.net.close();
  }

  /** Appends a leader sent while the entries they carry were not yet durable on it (allowed). */
  earlyAppends = 0;

  #checkDurable(storage: RecordingStorage, m: Message): void {
    const h = storage.durableHard;
    if (m.type === MessageType.App || m.type === MessageType.Heartbeat) {
      // Sent early or not, nothing may tell a follower to apply what the leader could still lose.
      if (m.commit > storage.durableEntries.length)
        this.violations.push(`commit ${m.commit} sent with ${storage.durableEntries.length} entries durable`);
      if (m.term > h.term) this.violations.push(`term ${m.term} sent before durable (${h.term})`);
      const last = m.entries?.at(-1)?.index ?? 0;
      if (last > storage.durableEntries.length) this.earlyAppends++;
    }
    if ((m.type === MessageType.VoteResp || m.type === MessageType.Vote) && !m.reject) {
      const voted = m.type === MessageType.Vote ? m.from : m.to;
      if (h.term !== m.term || h.vote !== voted)
        this.violations.push(`vote ${JSON.stringify(m)} before durable`);
    }
    if (m.type === MessageType.AppResp && !m.reject) {
      const e = storage.durableEntries[m.index - 1];
      if (m.index > 0 && (e === undefined || storage.durableEntries.length < m.index)) {
        this.violations.push(`ack of ${m.index} before durable`);
      }
    }
  }
}
